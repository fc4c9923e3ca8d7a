package rootfs

import "github.com/hclsandbox/sandbox/launcher/mapped"

// LayerOptions say how UnpackLayer writes overlayfs's marks.
type LayerOptions struct {
	// UserXattr marks opaque directories with user.overlay.opaque, the
	// form an unprivileged unpacker can write (overlayfs mounted with
	// userxattr reads it), instead of trusted.overlay.opaque, which needs
	// CAP_SYS_ADMIN. Whiteouts are character devices 0:0 in both forms.
	UserXattr bool
	// IDs, when set, unpack in a user namespace with these maps (package
	// mapped), keeping the layer's owners shifted into the caller's
	// subordinate ranges.
	IDs *mapped.Maps
}
