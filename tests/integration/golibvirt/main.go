// Command golibvirt-check connects to a virtmigd socket with go-libvirt, an
// independent implementation of libvirt's protocol, and prints what it sees.
package main

import (
	"fmt"
	"os"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"
	"github.com/digitalocean/go-libvirt/socket/dialers"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: golibvirt-check SOCKET")
		os.Exit(2)
	}
	dialer := dialers.NewLocal(dialers.WithSocket(os.Args[1]),
		dialers.WithLocalTimeout(5*time.Second))
	l := libvirt.NewWithDialer(dialer)
	if err := l.Connect(); err != nil {
		fmt.Fprintln(os.Stderr, "connect:", err)
		os.Exit(1)
	}
	ver, err := l.ConnectGetLibVersion()
	if err != nil {
		fmt.Fprintln(os.Stderr, "ConnectGetLibVersion:", err)
		os.Exit(1)
	}
	doms, n, err := l.ConnectListAllDomains(1, libvirt.ConnectListDomainsActive|libvirt.ConnectListDomainsInactive)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ConnectListAllDomains:", err)
		os.Exit(1)
	}
	host, err := l.ConnectGetHostname()
	if err != nil {
		fmt.Fprintln(os.Stderr, "ConnectGetHostname:", err)
		os.Exit(1)
	}
	// An unimplemented call must come back as "unsupported", not hang.
	_, _, err = l.ConnectListAllNetworks(1, 0)
	unsupported := err != nil && libvirt.IsNotFound(err) == false
	fmt.Printf("libversion=%d domains=%d ret=%d hostname=%s unsupported-error=%v\n",
		ver, len(doms), n, host, unsupported)
	if err := l.Disconnect(); err != nil {
		fmt.Fprintln(os.Stderr, "disconnect:", err)
		os.Exit(1)
	}
}
