# lifecycle: a long-running service to manage from another terminal.
#
#   sudo sandbox up -d examples/lifecycle.hcl
#   sudo sandbox ps
#   sudo sandbox logs -f ticker
#   sudo sandbox exec ticker -- /bin/sh -c 'echo $$; ls /'
#   sudo sandbox stop ticker
#
# The command is a shell, so it gets the init by default: SIGTERM from
# 'sandbox stop' reaches the trap, orphans are reaped, and exec works.
sandbox "ticker" {
  hostname = "ticker"
  init     = true
  command  = ["/bin/sh", "-c", "trap 'echo stopping; exit 0' TERM; while :; do date; sleep 1; done"]
}
