# Run `make help` for the list of targets.
GO      ?= go
BIN     := bin/sandbox
PREFIX  ?= /usr/local
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Root's PATH under sudo may lack Go; keep the caller's.
ROOT    := $(SUDO) env "PATH=$$PATH" CGO_ENABLED=0
BUSYBOX := examples/rootfs/busybox
DEBIAN  := examples/rootfs/debian
ALPINE  := examples/rootfs/alpine.tar.gz
ALPINE_VERSION ?= 3.20.3
# Without cgo, everything: the sandbox child drops privileges on every
# thread with syscall.AllThreadsSyscall, which a cgo binary cannot use, and
# the privileged tests run their test binary as the child.
export CGO_ENABLED := 0
# staticcheck, fetched by `go run` from the Go module proxy, with its
# default checks.
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
STATICCHECK_FLAGS ?= -checks=inherit
# The tests that need root: those of the *_linux_test.go files (each skips
# without root), and the command-line scripts, some of which need root.
ROOT_TESTS = $(shell find . -name '*_linux_test.go' -exec grep -ho '^func Test[A-Za-z0-9_]*' {} + | \
	sed 's/^func //' | sort -u | paste -sd'|')

# The Debian packages the tests of `make test` use: busybox-static for the
# shells and applets of their throwaway root filesystems, nftables for named
# networks, crun and runc for the exported bundles and the seccomp
# comparison, docker-registry for images, fsverity for the cached child,
# util-linux and passwd for namespaces and the sandbox user, uidmap, passt
# and fuse-overlayfs for sandboxes without root. A test whose package is
# missing fails as root, naming it, and skips otherwise. Slurm's tests need a cluster:
# `make test-slurm` installs Slurm.
TEST_PACKAGES := busybox-static nftables crun runc docker-registry fsverity util-linux passwd uidmap libxml2-utils passt fuse-overlayfs

.PHONY: help build install run test test-deps test-root test-oci test-images test-slurm bench bench-startup bench-rootless bench-batch bench-phases bench-watch bench-images fmt lint cross \
	rootfs-busybox rootfs-debian rootfs-alpine examples vagrant-validate test-vm clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

build: ## build bin/sandbox, with the lean sandbox child (cmd/sandbox-init) embedded
	$(GO) build -trimpath -ldflags=-s -o launcher/sandbox-init ./cmd/sandbox-init
	$(GO) build -trimpath -tags embedchild -o $(BIN) \
		-ldflags="-s -X main.version=$$(git describe --tags --always --dirty 2>/dev/null || echo devel) -X github.com/hclsandbox/sandbox/launcher.childDigest=$$(sha256sum launcher/sandbox-init | cut -c1-64) \
		-X github.com/hclsandbox/sandbox/launcher.childVerity=$$($(GO) run ./internal/fsverity/fsverity-digest launcher/sandbox-init)" ./cmd/sandbox

install: build ## install bin/sandbox to /usr/local/bin (or PREFIX/bin)
	$(SUDO) install -D -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/sandbox

run: build ## build and run examples/hello.hcl (needs root)
	$(SUDO) $(BIN) up examples/hello.hcl

test: test-deps ## run every test, one package at a time (each checks it left no cgroup, mount or process); as root the privileged ones run for real
	$(GO) test -count=1 -p 1 ./...

test-deps: ## install the Debian packages the tests use when missing (as root); without root, say which are missing
	@scripts/test-deps.sh $(TEST_PACKAGES)

test-root: ## run only the privileged tests, as root (through sudo when needed), after installing what they use
	@$(SUDO) scripts/test-deps.sh $(TEST_PACKAGES)
	$(ROOT) $(GO) test -count=1 -p 1 -run '^($(ROOT_TESTS)|TestScripts)$$' ./...

test-vm: ## run the cgroup tests on Debian's kernel with cgroup v2 only, in qemu (root: installs the kernel and qemu); BREAK=1 proves a broken v2 driver fails them
	$(ROOT) BREAK=$(BREAK) GO=$(GO) scripts/vm/run.sh

test-oci: ## run an exported OCI bundle under runc and crun and compare with sandbox run, and the seccomp cases under crun (root; installs Debian's runc and crun when missing)
	@$(SUDO) scripts/test-deps.sh runc crun
	$(ROOT) $(GO) test -count=1 -run '^(TestExportOCIRuntimes|TestSeccompSameAsCrun)$$' -v ./cmd/sandbox

test-images: build ## pull, run, pin and prune images against Debian's docker-registry on 127.0.0.1, then bench-images (root; installs docker-registry, skopeo and umoci when missing)
	@$(SUDO) scripts/test-deps.sh docker-registry skopeo umoci
	$(ROOT) $(GO) test -count=1 -run '^(TestImage.*|TestOverlay.*LowerLayers|TestPullInterrupted|TestImagesAndPrune|TestRunImage|TestUnpackLayer.*|TestExportOCIImage|TestStoreTrust)$$' -v ./launcher ./launcher/rootfs ./launcher/image ./cmd/sandbox
	$(SUDO) bench/images.sh

test-slurm: ## run up --on slurm on a single-node Slurm cluster started by the test (root; installs Debian's slurmctld, slurmd, slurm-client and munge when missing, without starting their services)
	@$(SUDO) scripts/test-deps.sh slurmctld slurmd slurm-client munge
	$(ROOT) $(GO) test -count=1 -run '^(TestUpOnSlurm|TestStopOnSlurm)$$' -v ./cmd/sandbox

bench: build rootfs-busybox ## every performance target in one table, each against its peer in the same run, and where a start's time goes (root; QUICK=1 for fewer samples)
	$(GO) build -o bin/watchlat ./bench/watchlat
	$(GO) build -o bin/phases ./bench/phases
	$(GO) build -o bin/empty ./bench/empty
	$(SUDO) bench/table.sh

bench-startup: build rootfs-busybox ## time sandbox run of /bin/true against crun, runc and bwrap in one hyperfine run, and the floor of a Go launcher and child (root)
	$(GO) build -o bin/empty ./bench/empty
	$(SUDO) bench/startup.sh

bench-rootless: build rootfs-busybox ## time sandbox run of /bin/true by an ordinary user against root's, a user's without subordinate ranges, bwrap's and rootless crun's in one hyperfine run (root; makes and removes throwaway users)
	$(SUDO) bench/rootless.sh

bench-batch: build rootfs-busybox ## time up of 100 sandboxes against 100 parallel crun and bwrap runs, and the floor of a Go child (root)
	$(GO) build -o bin/empty ./bench/empty
	$(SUDO) bench/batch.sh

bench-phases: build rootfs-busybox ## time each phase of sandbox run of /bin/true, from the exec to the exit, and the launcher's own start against an empty Go program (root)
	$(GO) build -o bin/phases ./bench/phases
	$(GO) build -o bin/empty ./bench/empty
	$(SUDO) bin/phases -sandbox $(BIN) -rootfs examples/rootfs/busybox -runs $(or $(RUNS),60) -empty bin/empty

bench-watch: build rootfs-busybox ## time up --watch relaunches, write to first output line, against the debounce (root)
	$(GO) build -o bin/watchlat ./bench/watchlat
	$(SUDO) bin/watchlat -sandbox $(BIN) -rootfs examples/rootfs/busybox -runs $(or $(RUNS),20)

bench-images: build ## time pull+unpack of a multi-layer image against skopeo copy + umoci unpack, and a cached image's cold start against the same tree as a directory (root)
	$(SUDO) bench/images.sh

fmt: ## format the Go code and the examples
	gofmt -w .
	$(GO) run ./cmd/sandbox fmt examples

lint: ## gofmt, go vet, sandbox fmt --check and staticcheck (skipped when the module proxy is out of reach)
	@test -z "$$(gofmt -l .)" || { gofmt -l .; exit 1; }
	$(GO) vet ./...
	$(GO) run ./cmd/sandbox fmt --check examples
	@if $(GO) run $(STATICCHECK) -version >/dev/null 2>&1; then \
		echo "$(GO) run $(STATICCHECK) $(STATICCHECK_FLAGS) ./..."; \
		$(GO) run $(STATICCHECK) $(STATICCHECK_FLAGS) ./...; \
	else \
		echo "lint: skipping staticcheck: $(STATICCHECK) cannot be fetched from the Go module proxy"; \
	fi

cross: ## build the portable packages for macOS (config, planning, validate, plan, fmt work there)
	GOOS=darwin GOARCH=arm64 $(GO) build ./...
	GOOS=darwin GOARCH=amd64 $(GO) build ./...

rootfs-busybox: $(BUSYBOX)/bin/busybox ## build the busybox rootfs of examples/busybox.hcl and others

$(BUSYBOX)/bin/busybox: scripts/rootfs-busybox.sh
	$(SUDO) scripts/rootfs-busybox.sh $(BUSYBOX)

rootfs-debian: $(DEBIAN)/usr/bin/apt-get ## build the Debian stable rootfs of examples/debian.hcl (debootstrap)

$(DEBIAN)/usr/bin/apt-get: scripts/rootfs-debian.sh
	$(SUDO) scripts/rootfs-debian.sh $(DEBIAN)

rootfs-alpine: $(ALPINE) ## download Alpine's minimal rootfs tarball for examples/alpine.hcl (needs internet)

$(ALPINE):
	mkdir -p $(dir $@)
	curl -fsSL -o $@.tmp https://dl-cdn.alpinelinux.org/alpine/v$(basename $(ALPINE_VERSION))/releases/$$(uname -m)/alpine-minirootfs-$(ALPINE_VERSION)-$$(uname -m).tar.gz
	mv $@.tmp $@

examples: build ## run every example this machine can (root); those whose rootfs is not built are skipped
	$(SUDO) scripts/examples.sh

vagrant-validate: ## check the Vagrantfile with Debian's vagrant; skipped when vagrant cannot be installed
	@scripts/vagrant-validate.sh

# The cache entries that running examples/alpine.hcl unpacked the tarball
# into (one per way of treating its device nodes).
SANDBOX_HOME ?= /var/lib/sandbox
ALPINE_CACHE = $(if $(wildcard $(ALPINE)),$(SANDBOX_HOME)/rootfs/sha256-$(firstword $(shell sha256sum $(ALPINE)))*)

clean: ## remove bin/, the built root filesystems, the examples' state and lock, and the alpine cache entry
	$(SUDO) rm -rf bin examples/rootfs examples/state examples/sandbox.lock.hcl $(ALPINE_CACHE)
