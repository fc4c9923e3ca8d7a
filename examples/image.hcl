# image: an OCI image as the root filesystem, as compose's `image:` is. The
# image is pulled once into a content-addressed store ($SANDBOX_HOME/images,
# /var/lib/sandbox by default), each layer unpacked once and shared with every
# image that has it; the root is an overlay of the layers, writes go to a tmpfs.
# What the sandbox leaves out (command, env, workdir, user) comes from the
# image's configuration: `sandbox plan` says which. Pin the tag's digest with
# sandbox lock, and a moved tag is refused until --update-lock. Needs the
# registry once (or an OCI layout: image = "oci:./busybox-layout"):
#
#   sudo sandbox pull examples/image.hcl
#   sudo sandbox lock examples/image.hcl
#   sudo sandbox up examples/image.hcl
sandbox "image" {
  image    = "docker.io/library/busybox:1.36"
  hostname = "image"
  env      = { GREETING = "hello from an image" }
  command  = ["/bin/sh", "-c", "echo \"$GREETING\"; busybox | head -1; id"]
}
