#!/bin/sh
# The "app" of examples/watch.hcl: edit this file, or anything else in
# examples/watch/, while `sandbox up --watch` runs and see it relaunch.
echo "serving version $(cat /app/VERSION)"
while :; do sleep 1; done
