package azure_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/drivers/azure"
	"github.com/skyhop/skyhop/internal/azurefake"
)

// Example launches a spot VM against the local Resource Manager server,
// then terminates it with its NIC, public IP and disk.
func Example() {
	ctx := context.Background()
	srv := azurefake.New()
	defer srv.Close()
	d, err := azure.New(ctx, azure.WithSubscription("sub-1"), azure.WithResourceGroup("rg-1"),
		azure.WithEndpoint(srv.URL()), azure.WithCredential(azurefake.Credential{}), azure.WithPollInterval(time.Millisecond))
	if err != nil {
		fmt.Println(err)
		return
	}
	cl, err := d.Launch(ctx, drivers.LaunchRequest{ClusterName: "train", InstanceType: "Standard_NC24ads_A100_v4",
		Region: "eastus", Spot: true, Token: "p1-c0-t0"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cl.Cloud, cl.Region, cl.InstanceIDs(), cl.Instances[0].State)
	for _, r := range srv.Billable() {
		fmt.Println(" ", r.Type, r.Name)
	}
	fmt.Println("terminate:", d.Terminate(ctx, cl))
	fmt.Println("left:", len(srv.Billable()))
	// Output:
	// azure eastus [train-ccb41fb5-0] running
	//   disks train-ccb41fb5-0-osdisk
	//   virtualMachines train-ccb41fb5-0
	//   networkInterfaces train-ccb41fb5-0-nic
	//   publicIPAddresses train-ccb41fb5-0-ip
	// terminate: <nil>
	// left: 0
}

// ExampleDriver_Launch_allocationFailed shows a failed long-running
// operation: the VM that Azure leaves in the Failed state is cleaned up by
// the driver, and the error is classified.
func ExampleDriver_Launch_allocationFailed() {
	ctx := context.Background()
	srv := azurefake.New()
	defer srv.Close()
	srv.AddFault(azurefake.Fault{Location: "eastus", Zone: "1", Code: "ZonalAllocationFailed", Async: true})
	d, _ := azure.New(ctx, azure.WithSubscription("sub-1"), azure.WithResourceGroup("rg-1"),
		azure.WithEndpoint(srv.URL()), azure.WithCredential(azurefake.Credential{}), azure.WithPollInterval(time.Millisecond))
	_, err := d.Launch(ctx, drivers.LaunchRequest{ClusterName: "train", InstanceType: "Standard_NC24ads_A100_v4",
		Region: "eastus", Zone: "1", Token: "t"})
	var de *drivers.Error
	if errors.As(err, &de) {
		fmt.Println(de.Class, de.EffectiveScope(), de.Code)
	}
	fmt.Println("left:", len(srv.Billable()))
	// Output:
	// capacity zone ZonalAllocationFailed
	// left: 0
}
