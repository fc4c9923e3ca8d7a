// Command empty does nothing: bench/phases times the launcher's own start
// (`sandbox --version`) against it, the start every Go program pays.
package main

func main() {}
