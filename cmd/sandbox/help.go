package main

import "github.com/spf13/cobra"

// completionExamples are the --help examples of cobra's completion
// commands, by shell.
var completionExamples = map[string]string{
	"completion": `  source <(sandbox completion bash)
  sandbox completion zsh > "${fpath[1]}/_sandbox"`,
	"bash": `  source <(sandbox completion bash)                         # this shell only
  sandbox completion bash > /etc/bash_completion.d/sandbox  # every new shell`,
	"zsh": `  source <(sandbox completion zsh)
  sandbox completion zsh > "${fpath[1]}/_sandbox"`,
	"fish": `  sandbox completion fish | source
  sandbox completion fish > ~/.config/fish/completions/sandbox.fish`,
	"powershell": `  sandbox completion powershell | Out-String | Invoke-Expression`,
}

// addCompletionExamples makes cobra's default completion command now,
// instead of when the command line runs, so that its --help, and each
// shell's, shows examples.
func addCompletionExamples(root *cobra.Command) {
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() != "completion" {
			continue
		}
		c.Example = completionExamples[c.Name()]
		for _, sh := range c.Commands() {
			sh.Example = completionExamples[sh.Name()]
		}
	}
}
