package registrytest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// Proxy forwards to a registry, counts the GETs of each blob, and can
// stall the download of one blob midway, for interrupted pulls.
type Proxy struct {
	// Host is the proxy's address, 127.0.0.1:PORT.
	Host string
	// Stalled is closed once a stalled blob has sent its first bytes.
	Stalled chan struct{}

	mu       sync.Mutex
	gets     map[string]int
	stall    string
	stallOne sync.Once
	forward  *httputil.ReverseProxy
	upstream string // the registry's host
}

// NewProxy starts a proxy of r, stopped when the test ends.
func NewProxy(t testing.TB, r *Registry) *Proxy {
	u, _ := url.Parse("http://" + r.Host)
	p := &Proxy{Stalled: make(chan struct{}), gets: map[string]int{}, forward: httputil.NewSingleHostReverseProxy(u), upstream: r.Host}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	p.Host = strings.TrimPrefix(srv.URL, "http://")
	return p
}

// BlobGets is how many times the blob was fetched.
func (p *Proxy) BlobGets(digest string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.gets[digest]
}

// StallBlob makes every later GET of the blob send 64 KiB and then hang
// until its client goes away.
func (p *Proxy) StallBlob(digest string) {
	p.mu.Lock()
	p.stall = digest
	p.mu.Unlock()
}

// Restall makes Stalled wait for the next stall.
func (p *Proxy) Restall() {
	p.mu.Lock()
	p.Stalled, p.stallOne = make(chan struct{}), sync.Once{}
	p.mu.Unlock()
}

// ServeHTTP implements http.Handler.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, digest, isBlob := strings.Cut(r.URL.Path, "/blobs/")
	if !isBlob || r.Method != http.MethodGet {
		p.forward.ServeHTTP(w, r)
		return
	}
	p.mu.Lock()
	p.gets[digest]++
	stall := p.stall == digest
	stalled, once := p.Stalled, &p.stallOne
	p.mu.Unlock()
	if !stall {
		p.forward.ServeHTTP(w, r)
		return
	}
	resp, err := http.Get("http://" + p.upstream + r.URL.Path)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	w.Header().Set("Content-Length", resp.Header.Get("Content-Length"))
	w.WriteHeader(resp.StatusCode)
	io.CopyN(w, resp.Body, 64<<10)
	w.(http.Flusher).Flush()
	once.Do(func() { close(stalled) })
	<-r.Context().Done()
}
