package codes_test

import (
	"errors"
	"fmt"

	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/drivers/codes"
)

// A driver classifies its provider's error through the cloud's table.
func ExampleTable_Classify() {
	class, scope := codes.Azure.Classify("OperationNotAllowed", 409,
		"Operation could not be completed as it results in exceeding approved Total Regional Cores quota.")
	fmt.Println(class, scope)
	class, scope = codes.Azure.Classify("OperationNotAllowed", 429,
		"The server rejected the request because too many requests have been received for this subscription.")
	fmt.Println(class, scope)
	class, scope = codes.GCP.Classify("QUOTA_EXCEEDED", 403, "Quota 'GPUS_ALL_REGIONS' exceeded.  Limit: 0.0 globally.")
	fmt.Println(class, scope)
	// Output:
	// quota region
	// throttle default
	// quota cloud
}

// NewError builds the classified *drivers.Error a driver returns.
func ExampleTable_NewError() {
	err := codes.For("aws").NewError(drivers.Error{
		Code:       "InsufficientInstanceCapacity",
		HTTPStatus: 500,
		Message:    "We currently do not have sufficient p4d.24xlarge capacity in the Availability Zone you requested (us-east-1a).",
		Region:     "us-east-1",
		Zone:       "us-east-1a",
		Op:         "launch",
	})
	fmt.Println(errors.Is(err, drivers.ErrCapacity), err.EffectiveScope())
	fmt.Println(err)
	// Output:
	// true zone
	// aws us-east-1/us-east-1a: launch: capacity (InsufficientInstanceCapacity): We currently do not have sufficient p4d.24xlarge capacity in the Availability Zone you requested (us-east-1a).
}
