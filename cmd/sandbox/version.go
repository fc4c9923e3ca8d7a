package main

// version is the release this binary is, set by make build from git
// describe; a plain go build falls back on the build's own information.
var version string
