package moto

import (
	"fmt"
	"html"
	"strings"
)

// ErrorBody returns an EC2 error response body as EC2 sends it (and as the
// SDK parses it: Errors>Error>Code and Message, and RequestID).
func ErrorBody(code, message, requestID string) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString("<Response><Errors><Error><Code>")
	b.WriteString(html.EscapeString(code))
	b.WriteString("</Code><Message>")
	b.WriteString(html.EscapeString(message))
	b.WriteString("</Message></Error></Errors><RequestID>")
	b.WriteString(html.EscapeString(requestID))
	b.WriteString("</RequestID></Response>")
	return []byte(b.String())
}

// DefaultStatus returns the HTTP status EC2 answers code with (see
// cloud-apis.md §1.4): 500 for capacity and internal errors, 503 for
// throttling and overload, 403 for authorization failures, 401 for
// credentials EC2 cannot validate, 412 for DryRunOperation, 400 otherwise.
func DefaultStatus(code string) int {
	switch code {
	case "InsufficientInstanceCapacity", "InsufficientHostCapacity", "InsufficientCapacity",
		"InternalError", "ServerInternal":
		return 500
	case "RequestLimitExceeded", "Unavailable", "ServiceUnavailable":
		return 503
	case "UnauthorizedOperation", "InvalidClientTokenId", "AccessDenied", "AccessDeniedException", "OptInRequired":
		return 403
	case "AuthFailure":
		return 401
	case "DryRunOperation":
		return 412
	}
	return 400
}

// DefaultMessage returns a realistic EC2 message for code, about action on
// instanceType in zone (either may be empty).
func DefaultMessage(code, action, instanceType, zone, region string) string {
	if instanceType == "" {
		instanceType = "p5.48xlarge"
	}
	if zone == "" {
		zone = region + "a"
	}
	switch code {
	case "InsufficientInstanceCapacity":
		return fmt.Sprintf("We currently do not have sufficient %s capacity in the Availability Zone you requested (%s). "+
			"Our system will be working on provisioning additional capacity. You can currently get %s capacity by not "+
			"specifying an Availability Zone in your request or choosing %s.", instanceType, zone, instanceType, otherZones(zone))
	case "InsufficientHostCapacity":
		return fmt.Sprintf("Insufficient capacity on Dedicated Hosts for instance type %s in the Availability Zone %s.", instanceType, zone)
	case "InsufficientCapacity":
		return fmt.Sprintf("There is not enough capacity to fulfill your request for %s in %s.", instanceType, zone)
	case "UnfulfillableCapacity":
		return "Unable to fulfill capacity due to your request configuration. Please adjust your request and try again."
	case "Unsupported":
		return fmt.Sprintf("Your requested instance type (%s) is not supported in your requested Availability Zone (%s). "+
			"Please retry your request by not specifying an Availability Zone or choosing %s.", instanceType, zone, otherZones(zone))
	case "VcpuLimitExceeded":
		return "You have requested more vCPU capacity than your current vCPU limit of 0 allows for the instance bucket that " +
			"the specified instance type belongs to. Please visit http://aws.amazon.com/contact-us/ec2-request to request an " +
			"adjustment to this limit."
	case "InstanceLimitExceeded":
		return fmt.Sprintf("You have requested more instances (1) than your current instance limit of 0 allows for the "+
			"specified instance type. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to "+
			"this limit. (%s)", instanceType)
	case "MaxSpotInstanceCountExceeded":
		return "Max spot instance count exceeded"
	case "MaxFleetCountExceeded":
		return "You've reached the limit on the number of fleets that you can create."
	case "UnauthorizedOperation":
		if action == "" {
			action = "RunInstances"
		}
		return fmt.Sprintf("You are not authorized to perform this operation. User: arn:aws:iam::123456789012:user/skyhop-test "+
			"is not authorized to perform: ec2:%s on resource: arn:aws:ec2:%s:123456789012:instance/* because no "+
			"identity-based policy allows the ec2:%s action. Encoded authorization failure message: "+
			"AQoDYXdzEJr-skyhop-test-encoded-message", action, region, action)
	case "AuthFailure":
		return "AWS was not able to validate the provided access credentials"
	case "ExpiredToken", "ExpiredTokenException":
		return "The security token included in the request is expired"
	case "RequestExpired":
		return "Request has expired."
	case "InvalidClientTokenId":
		return "The security token included in the request is invalid."
	case "InvalidClientToken":
		return "The security token included in the request is invalid"
	case "AccessDenied", "AccessDeniedException":
		return "User: arn:aws:iam::123456789012:user/skyhop-test is not authorized to perform: iam:PassRole"
	case "OptInRequired":
		return "You are not subscribed to this service. Please go to http://aws.amazon.com to subscribe."
	case "RequestLimitExceeded":
		return "Request limit exceeded."
	case "Throttling":
		return "Rate exceeded"
	case "InternalError", "ServerInternal":
		return "An internal error has occurred"
	case "Unavailable":
		return "The server is overloaded and can't handle the request."
	case "ServiceUnavailable":
		return "Service Unavailable. Please try again later."
	case "InvalidAMIID.NotFound":
		return "The image id '[ami-0123456789abcdef0]' does not exist"
	case "InvalidAMIID.Malformed":
		return `Invalid id: "ami-bad" (expecting "ami-...")`
	case "InvalidParameterValue":
		return fmt.Sprintf("Invalid value '%s' for InstanceType.", instanceType)
	case "InvalidParameterCombination":
		return "The parameter iops is not supported for gp2 volumes."
	case "InvalidParameter":
		return "The request contains an invalid parameter."
	case "IdempotentParameterMismatch":
		return "Arguments on this idempotent request are inconsistent with arguments used in previous request(s)."
	case "DryRunOperation":
		return "Request would have succeeded, but DryRun flag is set."
	}
	return code + " (injected by the skyhop fault proxy)"
}

// otherZones names two zones of zone's region other than zone, the way EC2
// suggests alternatives ("us-east-1b, us-east-1c").
func otherZones(zone string) string {
	if zone == "" {
		return ""
	}
	base, last := zone[:len(zone)-1], zone[len(zone)-1]
	var out []string
	for c := byte('a'); c <= 'f' && len(out) < 2; c++ {
		if c != last {
			out = append(out, base+string(c))
		}
	}
	return strings.Join(out, ", ")
}
