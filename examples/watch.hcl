# watch: the dev loop. Under up --watch, "app" relaunches when a file of
# ./watch changes (a burst of saves is one relaunch, *.log and editor
# swap files never count); "reloader" gets SIGHUP instead when its
# settings change; "flaky" fails and is restarted with a growing backoff.
# Editing this file relaunches exactly the sandboxes whose plan changed.
#
#   sandbox up --watch examples/watch.hcl
#   echo 2 > examples/watch/VERSION      # in another terminal
#   ^C
sandbox "app" {
  command      = ["/bin/sh", "/app/serve.sh"]
  stop_timeout = "2s"

  mount {
    type     = "bind"
    source   = "./watch"
    target   = "/app"
    readonly = true
  }

  watch {
    paths    = ["./watch"]
    ignore   = ["*.log", "settings.conf"]
    debounce = "200ms"
  }
}

sandbox "reloader" {
  command = ["/bin/sh", "-c", <<-EOT
    trap 'echo "reloading: $(cat /app/settings.conf)"' HUP
    echo "settings: $(cat /app/settings.conf)"
    while :; do sleep 1; done
  EOT
  ]

  mount {
    type     = "bind"
    source   = "./watch"
    target   = "/app"
    readonly = true
  }

  watch {
    paths  = ["./watch/settings.conf"]
    action = "signal"
    signal = "SIGHUP"
  }
}

sandbox "flaky" {
  command      = ["/bin/sh", "-c", "echo working; sleep 1; exit 1"]
  restart      = "on-failure"
  max_restarts = 3
}
