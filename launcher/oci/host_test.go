package oci

import (
	"github.com/hclsandbox/sandbox/internal/testenv"
	"github.com/hclsandbox/sandbox/launcher"
)

// testHost is root on a host whose /bin, /lib and /sbin are merged-/usr
// symlinks, as launcher's plan tests have it.
var testHost = &launcher.Host{EUID: 0, Term: "xterm", FS: testenv.MergedUsr()}
