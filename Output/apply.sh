#!/usr/bin/env bash
# Written by Perimeter from the drafts beside it. Read report.md and each .diff first.
set -euo pipefail
cd "$(dirname "$0")"

# Applies the drafts whose verdict is ready; rollback.sh puts back the policies saved in current/.

# endpoint vpce-01a2b3c4d5e6f7a80: unsafe (coverage-gap, review-items)
#   unsafe: not applied (see report.md)

# endpoint vpce-02b3c4d5e6f7a8b91: ready
aws ec2 modify-vpc-endpoint --region us-east-1 --vpc-endpoint-id vpce-02b3c4d5e6f7a8b91 --policy-document file://endpoints/vpce-02b3c4d5e6f7a8b91.json

# endpoint vpce-03c4d5e6f7a8b9c02: ready
aws ec2 modify-vpc-endpoint --region us-east-1 --vpc-endpoint-id vpce-03c4d5e6f7a8b9c02 --policy-document file://endpoints/vpce-03c4d5e6f7a8b9c02.json

# bucket acme-app-data: review (short-history, no-admin-path)
#   no --admin-principal: once applied, only the account's root user and callers through the endpoints the lock
#   answers can change or delete this bucket's policy (rollback.sh included); run both from such a caller
#   review: read its reasons in report.md, then uncomment:
# aws s3api put-bucket-policy --bucket acme-app-data --policy file://buckets/acme-app-data.json

# bucket acme-artifacts: review (short-history, current-policy-unknown, no-admin-path)
#   no --admin-principal: once applied, only the account's root user and callers through the endpoints the lock
#   answers can change or delete this bucket's policy (rollback.sh included); run both from such a caller
#   review: read its reasons in report.md, then uncomment:
# aws s3api put-bucket-policy --bucket acme-artifacts --policy file://buckets/acme-artifacts.json

# bucket acme-cloudtrail-logs: review (short-history, no-admin-path)
#   no --admin-principal: once applied, only the account's root user and callers through the endpoints the lock
#   answers can change or delete this bucket's policy (rollback.sh included); run both from such a caller
#   review: read its reasons in report.md, then uncomment:
# aws s3api put-bucket-policy --bucket acme-cloudtrail-logs --policy file://buckets/acme-cloudtrail-logs.json
