package network

// PastaMissing is the fix for a host without pasta.
const PastaMissing = "pasta is part of passt; Debian: apt-get install passt"
