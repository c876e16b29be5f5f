#!/usr/bin/env bash
# Written by Perimeter from the drafts beside it. Read report.md and each .diff first.
set -euo pipefail
cd "$(dirname "$0")"

# Puts back, for each draft apply.sh applies, the policy in force when Perimeter ran (current/).

# endpoint vpce-02b3c4d5e6f7a8b91: ready
aws ec2 modify-vpc-endpoint --region us-east-1 --vpc-endpoint-id vpce-02b3c4d5e6f7a8b91 --policy-document file://current/endpoints/vpce-02b3c4d5e6f7a8b91.json

# endpoint vpce-03c4d5e6f7a8b9c02: review (resource-not-visible)
#   (apply.sh leaves this draft commented out)
# aws ec2 modify-vpc-endpoint --region us-east-1 --vpc-endpoint-id vpce-03c4d5e6f7a8b9c02 --policy-document file://current/endpoints/vpce-03c4d5e6f7a8b9c02.json

# bucket acme-app-data: review (short-history, no-admin-path)
#   (apply.sh leaves this draft commented out)
# aws s3api put-bucket-policy --bucket acme-app-data --policy file://current/buckets/acme-app-data.json

# bucket acme-artifacts: review (short-history, current-policy-unknown, no-admin-path)
#   no rollback: the policy in force is not in the inventory, so it was not saved; export it before applying

# bucket acme-cloudtrail-logs: review (short-history, no-admin-path)
#   (apply.sh leaves this draft commented out)
# aws s3api put-bucket-policy --bucket acme-cloudtrail-logs --policy file://current/buckets/acme-cloudtrail-logs.json
