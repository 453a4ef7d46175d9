package aws_test

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/skyhop/skyhop/drivers/aws"
)

// A driver aimed at an EC2 emulator such as moto (a launcher's --endpoint
// flag; AWS_ENDPOINT_URL does the same without the option). New makes no
// API call.
func ExampleNew() {
	d, err := aws.New(context.Background(),
		aws.WithEndpoint("http://127.0.0.1:5000"),
		aws.WithCredentials(credentials.NewStaticCredentialsProvider("test", "test", "")),
		aws.WithRegions("us-west-2", "us-east-1"),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.Cloud(), d.Regions())
	// Output: aws [us-east-1 us-west-2]
}
