package userscope

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	sddbus "github.com/coreos/go-systemd/v22/dbus"
	"github.com/godbus/dbus/v5"
)

// ErrNoBus is returned when no user bus is reachable.
var ErrNoBus = errors.New("no systemd user manager reachable on D-Bus")

// Address is the user bus's address: $DBUS_SESSION_BUS_ADDRESS, else the
// socket $XDG_RUNTIME_DIR/bus where systemd puts it. lookupEnv reads the
// caller's environment.
func Address(lookupEnv func(string) (string, bool)) (string, error) {
	if a, ok := lookupEnv("DBUS_SESSION_BUS_ADDRESS"); ok && a != "" && a != "autolaunch:" {
		return a, nil
	}
	dir, ok := lookupEnv("XDG_RUNTIME_DIR")
	if !ok || dir == "" {
		return "", fmt.Errorf("%w: DBUS_SESSION_BUS_ADDRESS and XDG_RUNTIME_DIR are unset", ErrNoBus)
	}
	sock := filepath.Join(dir, "bus")
	if fi, err := os.Stat(sock); err != nil || fi.Mode().Type() != os.ModeSocket {
		return "", fmt.Errorf("%w: DBUS_SESSION_BUS_ADDRESS is unset and %s is not a socket", ErrNoBus, sock)
	}
	return "unix:path=" + sock, nil
}

// Start asks the systemd manager on the bus at address for a transient
// scope, "sandbox-<pid>-<random>.scope", holding pid, with Delegate=yes,
// and waits until it has started: pid is then in the scope's cgroup,
// which the manager has handed to the user with every controller it may
// delegate. It returns the scope's name.
func Start(ctx context.Context, address string, pid int) (string, error) {
	conn, err := sddbus.NewConnection(func() (*dbus.Conn, error) { return dial(ctx, address) })
	if err != nil {
		return "", fmt.Errorf("connect to the systemd user manager at %s: %w", address, err)
	}
	defer conn.Close()
	name, err := scopeName(pid)
	if err != nil {
		return "", err
	}
	props := []sddbus.Property{
		sddbus.PropDescription("sandbox launcher " + strconv.Itoa(pid)),
		sddbus.PropPids(uint32(pid)),
		{Name: "Delegate", Value: dbus.MakeVariant(true)},
	}
	done := make(chan string, 1)
	if _, err := conn.StartTransientUnitContext(ctx, name, "fail", props, done); err != nil {
		return "", fmt.Errorf("start transient scope %s: %w", name, err)
	}
	select {
	case result := <-done:
		if result != "done" {
			return "", fmt.Errorf("start transient scope %s: job %s", name, result)
		}
		return name, nil
	case <-ctx.Done():
		return "", fmt.Errorf("start transient scope %s: %w", name, ctx.Err())
	}
}

// dial opens one authenticated connection to the bus at address, with
// the EXTERNAL method and the numeric uid (no user name lookup).
func dial(ctx context.Context, address string) (*dbus.Conn, error) {
	conn, err := dbus.Dial(address, dbus.WithContext(ctx))
	if err != nil {
		return nil, err
	}
	err = conn.Auth([]dbus.Auth{dbus.AuthExternal(strconv.Itoa(os.Getuid()))})
	if err == nil {
		err = conn.Hello()
	}
	if err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}

// scopeName is a unit name of our own for pid's scope.
func scopeName(pid int) (string, error) {
	id := make([]byte, 4)
	if _, err := rand.Read(id); err != nil {
		return "", fmt.Errorf("make scope name: %w", err)
	}
	return fmt.Sprintf("sandbox-%d-%s.scope", pid, hex.EncodeToString(id)), nil
}
