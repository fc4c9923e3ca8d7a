# Run `make help` for the list of targets.
GO      ?= go
BIN     := bin/sandbox
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BUSYBOX := examples/rootfs/busybox
DEBIAN  := examples/rootfs/debian

.PHONY: help build run test rootfs-busybox rootfs-debian fmt lint clean bench bench-batch

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

build: ## build bin/sandbox, with the lean sandbox child (cmd/sandbox-init) embedded
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags=-s -o launcher/sandbox-init ./cmd/sandbox-init
	$(GO) build -tags embedchild -o $(BIN) ./cmd/sandbox

run: build ## build and run examples/hello.hcl (needs root)
	$(SUDO) $(BIN) up examples/hello.hcl

test: ## run every test, one package at a time (each checks it left no cgroup, mount or process); as root the privileged ones run for real
	$(GO) test -count=1 -p 1 ./...

rootfs-busybox: $(BUSYBOX)/bin/busybox ## build the busybox rootfs of examples/busybox.hcl

$(BUSYBOX)/bin/busybox: scripts/rootfs-busybox.sh
	$(SUDO) scripts/rootfs-busybox.sh $(BUSYBOX)

rootfs-debian: $(DEBIAN)/usr/bin/apt-get ## build the Debian stable rootfs of examples/debian.hcl (debootstrap)

$(DEBIAN)/usr/bin/apt-get: scripts/rootfs-debian.sh
	$(SUDO) scripts/rootfs-debian.sh $(DEBIAN)

bench: build rootfs-busybox ## time sandbox run of /bin/true against crun, runc and bwrap (root)
	$(SUDO) bench/startup.sh

bench-batch: build rootfs-busybox ## time up of 100 sandboxes against 100 parallel crun runs (root)
	$(SUDO) bench/batch.sh

fmt: ## format the Go code
	gofmt -w .

lint: ## gofmt and go vet
	@test -z "$$(gofmt -l .)" || { gofmt -l .; exit 1; }
	$(GO) vet ./...

clean: ## remove built binaries and root filesystems
	rm -rf bin examples/rootfs
