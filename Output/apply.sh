#!/usr/bin/env bash
# Written by Perimeter from the drafts beside it. Read report.md and each .diff first.
set -euo pipefail
cd "$(dirname "$0")"

# Applies the drafts whose verdict is ready; rollback.sh puts back the policies saved in current/.

# Before the first change: the drafts are the ones this script was written with, each within its limit.
fail() { echo "apply.sh: $1: nothing applied" >&2; exit 1; }
command -v sha256sum >/dev/null || fail 'sha256sum (GNU coreutils) is needed to check the drafts'
sha256sum --check --strict --quiet <<'DIGESTS' || fail 'a draft is not the one this script was written with'
980ef62d4c1782fe527d13fe146983557734334851c58059bdbbed378fe707ea  endpoints/vpce-02b3c4d5e6f7a8b91.json
94442b0468dd79af7bd6f9c2e94ed636c120e149bdab6a1d5adb56d1985db8cf  endpoints/vpce-03c4d5e6f7a8b9c02.json
7967a8819c531f7b6fcd0939841819c8bffe99a882dece729ee8c2d21bd9a4ce  buckets/acme-app-data.json
a3a95ad860f313b99cfc3f7ad4a584dced030e44c4459ce3e729c4c01d21fd83  buckets/acme-artifacts.json
6b2a42417193c20cc8f15bfe1cd5a43fc93b3aa9da84dca9e611822abd747e4a  buckets/acme-cloudtrail-logs.json
DIGESTS
within() {   # file, limit, what wc counts (-m characters, -c bytes)
    local size
    size=$(LC_ALL=C.UTF-8 wc "$3" < "$1")
    [ "$size" -le "$2" ] || fail "$1 is $size, over its limit of $2"
}
within endpoints/vpce-02b3c4d5e6f7a8b91.json 20480 -m
within endpoints/vpce-03c4d5e6f7a8b9c02.json 20480 -m
within buckets/acme-app-data.json 20480 -c
within buckets/acme-artifacts.json 20480 -c
within buckets/acme-cloudtrail-logs.json 20480 -c

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
