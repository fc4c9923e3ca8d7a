// Package registrytest runs Debian's docker-registry on 127.0.0.1 for
// tests, with its own storage and configuration in a temp directory, and
// builds the test image that image tests pull from it.
package registrytest

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Binary is Debian's registry server; `make test-images` and .ci/run
// install the docker-registry package when it is missing.
const Binary = "docker-registry"

// Registry is a running registry server.
type Registry struct {
	// Host is its address, 127.0.0.1:PORT.
	Host string
	// Storage is the directory that holds its blobs.
	Storage string
	cmd     *exec.Cmd
	done    chan struct{}
	log     bytes.Buffer // what it says: shown only when it fails to start
}

const configTemplate = `version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: %s
  delete:
    enabled: true
http:
  addr: %s
`

// Start runs a registry on a free port of 127.0.0.1 and stops it when
// the test ends; it skips the test when docker-registry is not installed.
func Start(t testing.TB) *Registry {
	t.Helper()
	bin, err := exec.LookPath(Binary)
	if err != nil {
		t.Skipf("%s is not installed (Debian's docker-registry package; make test-images installs it)", Binary)
	}
	dir := t.TempDir()
	r := &Registry{Host: freeAddr(t), Storage: filepath.Join(dir, "storage"), done: make(chan struct{})}
	conf := filepath.Join(dir, "config.yml")
	if err := os.WriteFile(conf, fmt.Appendf(nil, configTemplate, r.Storage, r.Host), 0o644); err != nil {
		t.Fatal(err)
	}
	r.cmd = exec.Command(bin, "serve", conf)
	r.cmd.Stderr = &r.log
	if err := r.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", Binary, err)
	}
	go func() { r.cmd.Wait(); close(r.done) }()
	t.Cleanup(r.Stop)
	if err := r.waitReady(); err != nil {
		r.Stop()
		t.Fatalf("%v\n%s", err, r.log.String())
	}
	return r
}

// freeAddr is a port of 127.0.0.1 that nothing listens on now.
func freeAddr(t testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// waitReady waits until the registry answers /v2/, or it exits.
func (r *Registry) waitReady() error {
	for range 500 {
		select {
		case <-r.done:
			return fmt.Errorf("%s exited before it served", Binary)
		default:
		}
		resp, err := http.Get("http://" + r.Host + "/v2/")
		if err == nil {
			resp.Body.Close()
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return fmt.Errorf("%s did not answer on %s", Binary, r.Host)
}

// Stop ends the registry and waits for it; calling it twice is harmless.
func (r *Registry) Stop() {
	select {
	case <-r.done:
		return
	default:
	}
	r.cmd.Process.Kill()
	<-r.done
}

// BlobPath is the file in the registry's storage that holds a blob.
func (r *Registry) BlobPath(digest string) string {
	hex := strings.TrimPrefix(digest, "sha256:")
	return filepath.Join(r.Storage, "docker/registry/v2/blobs/sha256", hex[:2], hex, "data")
}
