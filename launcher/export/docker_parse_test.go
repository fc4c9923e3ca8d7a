package export

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/launcher"
)

// TestDockerFlagsParse runs exported docker command lines against a daemon
// socket that does not exist: the docker CLI parses and checks every flag
// and value before it connects, so an unknown flag or a malformed value
// fails the test, and nothing ever runs.
func TestDockerFlagsParse(t *testing.T) {
	docker, err := exec.LookPath("docker")
	if err != nil {
		t.Skip("the docker CLI is not installed")
	}
	sock := "unix://" + filepath.Join(t.TempDir(), "no-daemon.sock")
	unconfined := testPlan()
	unconfined.Spec.Seccomp = nil
	unconfined.Namespaces = []string{"mount"}
	for name, plan := range map[string]*launcher.Plan{"rootfs": testPlan(), "shared namespaces": unconfined} {
		p, err := Docker(plan, Options{Stat: stat})
		if err != nil {
			t.Fatal(err)
		}
		argv := p.Argv()
		cmd := exec.Command(docker, argv[1:]...)
		cmd.Env = append(os.Environ(), "DOCKER_HOST="+sock, "DOCKER_CONTEXT=default")
		out, _ := cmd.CombinedOutput()
		if !strings.Contains(string(out), "Cannot connect to the Docker daemon") {
			t.Errorf("%s: docker did not get as far as connecting:\n%s\ncommand line:\n%s", name, out, p.Shell())
		}
	}
}
