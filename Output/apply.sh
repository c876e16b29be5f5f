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
193495e138224aa3cfc02a8733cf9cab9eadc1963924235017c422aadac3f6bd  endpoints/vpce-03c4d5e6f7a8b9c02.json
99a2c2495ee6f8ef99ddd94014ec5a40f39c841b4d46208da5eae2abf06d0d65  buckets/acme-app-data.json
3690f73f433b5f4a2e9f7a0e94197593fef61c8f4911bcfdcd727f6253e1486e  buckets/acme-artifacts.json
58f1ec1646f5b7129e9dd008598c907bf635683f26b4dd809fdce6211cc5daa6  buckets/acme-cloudtrail-logs.json
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

# endpoint vpce-03c4d5e6f7a8b9c02: review (resource-not-visible)
#   review: read its reasons in report.md, then uncomment:
# aws ec2 modify-vpc-endpoint --region us-east-1 --vpc-endpoint-id vpce-03c4d5e6f7a8b9c02 --policy-document file://endpoints/vpce-03c4d5e6f7a8b9c02.json

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
