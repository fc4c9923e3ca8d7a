# lifecycle: a long-running service to manage from another terminal.
#
#   sandbox up -d examples/lifecycle.hcl
#   sandbox ps
#   sandbox logs -f ticker
#   sandbox exec ticker -- /bin/sh -c 'echo $$; ls /'
#   sandbox stop ticker
#
# The command is a shell, so it gets the init by default: SIGTERM from
# 'sandbox stop' reaches the trap, orphans are reaped, and exec works.
sandbox "ticker" {
  hostname = "ticker"
  init     = true
  command  = ["/bin/sh", "-c", "trap 'echo stopping; exit 0' TERM; while :; do date; sleep 1; done"]
}
