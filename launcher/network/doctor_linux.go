package network

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// CheckLinks says whether bridges and veth pairs can be made here, trying
// them in a throwaway net namespace that vanishes with its thread.
func CheckLinks() error {
	done := make(chan error, 1)
	go func() {
		// The thread changes namespace and is never unlocked, so it
		// ends with this goroutine and the namespace with it.
		runtime.LockOSThread()
		done <- tryLinks()
	}()
	return <-done
}

func tryLinks() error {
	ns, err := netns.New()
	if err != nil {
		return fmt.Errorf("new net namespace: %w", err)
	}
	defer ns.Close()
	if err := netlink.LinkAdd(&netlink.Bridge{LinkAttrs: netlink.LinkAttrs{Name: "sbr-doctor"}}); err != nil {
		return fmt.Errorf("add bridge: %w", err)
	}
	if err := netlink.LinkAdd(&netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: "sv-doctor"}, PeerName: "sp-doctor"}); err != nil {
		return fmt.Errorf("add veth pair: %w", err)
	}
	return nil
}

// natCheckRules is a table like a network's, checked and never applied.
const natCheckRules = `table ip sandbox_doctor {
  chain nat_post { type nat hook postrouting priority srcnat; ip saddr 10.88.0.0/24 oifname != "sbr-doctor" masquerade; }
  chain nat_pre { type nat hook prerouting priority dstnat; fib daddr type local tcp dport 8080 dnat to 10.88.0.2:80; }
  chain filter_fwd { type filter hook forward priority filter; iifname "sbr-doctor" oifname "sbr-*" drop; iifname "sbr-doctor" ct direction reply ct status dnat accept; }
}
` + guardRules

// CheckNAT says whether nft takes a network's masquerade and DNAT rules,
// checked by nft without applying them. The error says what is missing.
func CheckNAT() error {
	if _, err := exec.LookPath("nft"); err != nil {
		return errors.New("the nft command is missing (Debian: apt-get install nftables); named networks cannot start")
	}
	cmd := exec.Command("nft", "--check", "-f", "-")
	cmd.Stdin = strings.NewReader(natCheckRules)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("nft refuses masquerade or DNAT rules: %v: %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}

// CheckPasta says whether pasta can connect a sandbox started without
// root: it makes a user and net namespace of its own, configures it as
// it would a network's and runs /bin/true there; nsenter and nft, which
// the network's holder needs, must be there too. The error says what is
// missing and how to get it.
func CheckPasta() error {
	if _, err := exec.LookPath("pasta"); err != nil {
		return fmt.Errorf("the pasta command is missing (%s); without root, sandboxes on a named network cannot start", PastaMissing)
	}
	if _, err := exec.LookPath("nsenter"); err != nil {
		return errors.New("the nsenter command is missing (part of util-linux; Debian: apt-get install util-linux); without root, sandboxes on a named network cannot start")
	}
	if _, err := exec.LookPath(NftPath()); err != nil {
		return errors.New("the nft command is missing (Debian: apt-get install nftables); without root, sandboxes on a named network cannot start")
	}
	out, err := runGrouped(pastaCheckTimeout, "pasta", "-f", "-q", "--config-net", "--no-map-gw", "-T", "none", "-U", "none", "-t", "none", "-u", "none", "--", "/bin/true")
	if err != nil {
		return fmt.Errorf("pasta cannot configure a network namespace of this user: %v: %s", err, pastaSaid(string(out)))
	}
	return nil
}

// pastaCheckTimeout bounds CheckPasta's run of pasta, which takes a few
// milliseconds where it works.
const pastaCheckTimeout = 10 * time.Second

// runGrouped runs name with args in a process group of its own and
// returns what it printed. When it exits, or when timeout has passed,
// what is left of its group is killed: a pasta that fails (without
// access to /dev/net/tun, say) leaves behind the process it forked for
// the command, stuck and holding the output pipe, which would keep the
// caller waiting for good and outlive it. The group is killed while the
// exited process is not yet reaped, so its id cannot name another group.
func runGrouped(timeout time.Duration, name string, args ...string) ([]byte, error) {
	var out bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = time.Second // a straggler in another group keeps the pipe no longer
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	pgid := cmd.Process.Pid
	killGroup := func() { syscall.Kill(-pgid, syscall.SIGKILL) }
	timer := time.AfterFunc(timeout, killGroup)
	var info unix.Siginfo
	for unix.Waitid(unix.P_PID, pgid, &info, unix.WEXITED|unix.WNOWAIT, nil) == unix.EINTR {
	}
	timedOut := !timer.Stop()
	killGroup()
	err := cmd.Wait()
	if timedOut {
		err = fmt.Errorf("%s did not finish within %s", name, timeout)
	}
	return out.Bytes(), err
}
