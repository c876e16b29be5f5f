# Written by Perimeter: the drafts whose verdict is ready, as Terraform.
# Read report.md and each .diff first. A policy the given Terraform state sets is changed on that resource (its
# address and the new value of its `policy` argument, below), never by a second resource: two would overwrite each
# other on every apply. Any other draft is a resource on the provider alias of its account and Region.
#
# Left out:
#   endpoint vpce-01a2b3c4d5e6f7a80: unsafe (coverage-gap, review-items)
#   endpoint vpce-03c4d5e6f7a8b9c02: review (resource-not-visible)
#   bucket acme-app-data: review (short-history, no-admin-path)
#   bucket acme-artifacts: review (short-history, current-policy-unknown, no-admin-path)
#   bucket acme-cloudtrail-logs: review (short-history, no-admin-path)

provider "aws" {
  alias               = "perimeter_111122223333_us_east_1"
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}

resource "aws_vpc_endpoint_policy" "vpce_02b3c4d5e6f7a8b91" {
  provider        = aws.perimeter_111122223333_us_east_1
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
