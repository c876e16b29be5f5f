# Written by Perimeter: the drafts whose verdict is ready, as Terraform resources.
# Read report.md and each .diff first. A resource here replaces the policy Terraform or the console set before.
#
# Left out:
#   endpoint vpce-01a2b3c4d5e6f7a80: unsafe (coverage-gap, review-items)
#   bucket acme-artifacts: review (current-policy-unknown)

resource "aws_vpc_endpoint_policy" "vpce_02b3c4d5e6f7a8b91" {
  vpc_endpoint_id = "vpce-02b3c4d5e6f7a8b91"
  policy          = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "AppServerDynamodbReadWrite",
          "Effect": "Allow",
          "Principal": "*",
          "Action": [
            "dynamodb:GetItem",
            "dynamodb:PutItem",
            "dynamodb:UpdateItem"
          ],
          "Resource": "arn:aws:dynamodb:us-east-1:111122223333:table/orders",
          "Condition": {
            "ArnEquals": {
              "aws:PrincipalArn": "arn:aws:iam::111122223333:role/app-server"
            }
          }
        },
        {
          "Sid": "AppServerDynamodbRead",
          "Effect": "Allow",
          "Principal": "*",
          "Action": "dynamodb:Query",
          "Resource": "arn:aws:dynamodb:us-east-1:111122223333:table/orders/index/byCustomer",
          "Condition": {
            "ArnEquals": {
              "aws:PrincipalArn": "arn:aws:iam::111122223333:role/app-server"
            }
          }
        },
        {
          "Sid": "InvoiceFnRoleDynamodbWrite",
          "Effect": "Allow",
          "Principal": "*",
          "Action": "dynamodb:UpdateItem",
          "Resource": "arn:aws:dynamodb:us-east-1:111122223333:table/invoices",
          "Condition": {
            "ArnEquals": {
              "aws:PrincipalArn": "arn:aws:iam::111122223333:role/invoice-fn-role"
            }
          }
        }
      ]
    }
  EOT
}

resource "aws_vpc_endpoint_policy" "vpce_03c4d5e6f7a8b9c02" {
  vpc_endpoint_id = "vpce-03c4d5e6f7a8b9c02"
  policy          = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "OrderWorkerTaskSqsReadWrite",
          "Effect": "Allow",
          "Principal": "*",
          "Action": [
            "sqs:DeleteMessage",
            "sqs:ReceiveMessage",
            "sqs:SendMessage"
          ],
          "Resource": "arn:aws:sqs:us-east-1:111122223333:order-events",
          "Condition": {
            "ArnEquals": {
              "aws:PrincipalArn": "arn:aws:iam::111122223333:role/order-worker-task"
            }
          }
        }
      ]
    }
  EOT
}

resource "aws_s3_bucket_policy" "acme_app_data" {
  bucket = "acme-app-data"
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "DenyInsecureTransport",
          "Effect": "Deny",
          "Principal": "*",
          "Action": "s3:*",
          "Resource": [
            "arn:aws:s3:::acme-app-data",
            "arn:aws:s3:::acme-app-data/*"
          ],
          "Condition": {
            "Bool": {
              "aws:SecureTransport": "false"
            }
          }
        },
        {
          "Sid": "PerimeterOnlyExpectedEndpoints",
          "Effect": "Deny",
          "Principal": "*",
          "Action": "s3:*",
          "Resource": [
            "arn:aws:s3:::acme-app-data",
            "arn:aws:s3:::acme-app-data/*"
          ],
          "Condition": {
            "StringNotEquals": {
              "aws:SourceVpce": "vpce-01a2b3c4d5e6f7a80"
            },
            "BoolIfExists": {
              "aws:PrincipalIsAWSService": "false"
            },
            "ArnNotEquals": {
              "aws:PrincipalArn": "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_5f1e2d3c4b5a6978"
            }
          }
        }
      ]
    }
  EOT
}

resource "aws_s3_bucket_policy" "acme_cloudtrail_logs" {
  bucket = "acme-cloudtrail-logs"
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "AWSCloudTrailAclCheck",
          "Effect": "Allow",
          "Principal": {
            "Service": "cloudtrail.amazonaws.com"
          },
          "Action": "s3:GetBucketAcl",
          "Resource": "arn:aws:s3:::acme-cloudtrail-logs"
        },
        {
          "Sid": "AWSCloudTrailWrite",
          "Effect": "Allow",
          "Principal": {
            "Service": "cloudtrail.amazonaws.com"
          },
          "Action": "s3:PutObject",
          "Resource": "arn:aws:s3:::acme-cloudtrail-logs/AWSLogs/*",
          "Condition": {
            "StringEquals": {
              "s3:x-amz-acl": "bucket-owner-full-control"
            }
          }
        },
        {
          "Sid": "LogReaders",
          "Effect": "Allow",
          "Principal": {
            "AWS": "arn:aws:iam::444455556666:role/log-analytics"
          },
          "Action": [
            "s3:GetObject",
            "s3:ListBucket"
          ],
          "Resource": [
            "arn:aws:s3:::acme-cloudtrail-logs",
            "arn:aws:s3:::acme-cloudtrail-logs/*"
          ]
        },
        {
          "Sid": "PerimeterOnlyExpectedEndpoints",
          "Effect": "Deny",
          "Principal": "*",
          "Action": "s3:*",
          "Resource": [
            "arn:aws:s3:::acme-cloudtrail-logs",
            "arn:aws:s3:::acme-cloudtrail-logs/*"
          ],
          "Condition": {
            "StringNotEquals": {
              "aws:SourceVpce": "vpce-01a2b3c4d5e6f7a80"
            },
            "BoolIfExists": {
              "aws:PrincipalIsAWSService": "false"
            }
          }
        }
      ]
    }
  EOT
}
