package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/drivers/aws"
	"github.com/skyhop/skyhop/drivers/azure"
	"github.com/skyhop/skyhop/drivers/gcp"
	"github.com/skyhop/skyhop/internal/fakeclouds"
	"github.com/skyhop/skyhop/internal/moto"
)

// realClouds builds the drivers of --clouds. With --emulate, every cloud
// runs against a local emulator started here (moto for AWS); otherwise the
// drivers use the standard credentials of each cloud, and --aws-endpoint
// (or AWS_ENDPOINT_URL) aims the AWS driver at an emulator of your own.
func (l *launcher) realClouds(ctx context.Context, w *world) error {
	seen := map[string]bool{}
	for _, c := range strings.Split(l.opts.clouds, ",") {
		c = strings.ToLower(strings.TrimSpace(c))
		if c == "" || seen[c] {
			continue
		}
		seen[c] = true
		var (
			d   drivers.Driver
			err error
		)
		switch c {
		case "aws":
			d, err = l.awsDriver(ctx, w)
		case "gcp", "azure":
			d, err = l.gcpAzureDriver(ctx, w, c)
		default:
			err = fmt.Errorf("unknown cloud %q (want aws, gcp or azure)", c)
		}
		if err != nil {
			return fmt.Errorf("--clouds %s: %w", l.opts.clouds, err)
		}
		w.drivers = append(w.drivers, d)
		w.clouds = append(w.clouds, c)
	}
	if len(w.drivers) == 0 {
		return errors.New("--clouds names no cloud (want aws, gcp or azure)")
	}
	return nil
}

// awsDriver makes the EC2 driver: against moto with --emulate, against
// --aws-endpoint or AWS_ENDPOINT_URL when given, else against AWS.
func (l *launcher) awsDriver(ctx context.Context, w *world) (drivers.Driver, error) {
	endpoint := l.opts.awsEndpoint
	if l.opts.emulate {
		srv, err := moto.Start(ctx)
		if err != nil {
			return nil, fmt.Errorf("--emulate: starting moto_server (pip install 'moto[server]'): %w", err)
		}
		w.closers = append(w.closers, func() { srv.Stop() })
		endpoint = srv.URL
	}
	if endpoint == "" {
		endpoint = os.Getenv("AWS_ENDPOINT_URL")
	}
	var opts []aws.Option
	if endpoint != "" {
		opts = append(opts, aws.WithEndpoint(endpoint))
		if os.Getenv("AWS_ACCESS_KEY_ID") == "" && os.Getenv("AWS_PROFILE") == "" {
			// An emulator takes any key; real AWS behind a custom
			// endpoint still gets the standard chain when one is set.
			opts = append(opts, aws.WithCredentials(credentials.NewStaticCredentialsProvider("test", "test", "")))
		}
	}
	return aws.New(ctx, opts...)
}

// gcpAzureDriver makes the GCP or Azure driver: against the local
// Compute Engine and Azure servers with --emulate (started once for both),
// else against the real APIs with each cloud's standard credentials
// (Application Default Credentials; DefaultAzureCredential).
func (l *launcher) gcpAzureDriver(ctx context.Context, w *world, cloud string) (drivers.Driver, error) {
	if l.opts.emulate {
		if w.emulated == nil {
			fc, err := fakeclouds.Start(ctx)
			if err != nil {
				return nil, fmt.Errorf("--emulate: starting the local GCP and Azure servers: %w", err)
			}
			w.closers = append(w.closers, fc.Close)
			w.emulated = fc
		}
		return w.emulated.Driver(cloud), nil
	}
	if cloud == "gcp" {
		var opts []gcp.Option
		if l.opts.gcpProject != "" {
			opts = append(opts, gcp.WithProject(l.opts.gcpProject))
		}
		d, err := gcp.New(ctx, opts...)
		if err != nil {
			return nil, err
		}
		w.closers = append(w.closers, func() { d.Close() })
		return d, nil
	}
	var opts []azure.Option
	if l.opts.azureSubscription != "" {
		opts = append(opts, azure.WithSubscription(l.opts.azureSubscription))
	}
	if l.opts.azureResourceGroup != "" {
		opts = append(opts, azure.WithResourceGroup(l.opts.azureResourceGroup))
	}
	return azure.New(ctx, opts...)
}
