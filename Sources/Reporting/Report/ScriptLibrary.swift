import Foundation
import PolicySynthesis

/// The shell functions `apply.sh` and `rollback.sh` share, and how a value stands in them.
///
/// Each script runs its body twice: a `check` pass that changes nothing (each account's credentials by
/// `aws sts get-caller-identity`, each live policy against the one it must replace, a lock's
/// administration path), then a `change` pass that checks the same again before each change and makes it.
enum ScriptLibrary {
    /// A value as one shell word: bare when it holds only characters no shell treats specially, else in
    /// single quotes, or in `$'…'` with `\xHH` escapes when it holds anything but printable ASCII (a
    /// newline in a commented-out line would otherwise start a line of its own).
    static func word(_ s: String) -> String {
        let bytes = Array(s.utf8)
        let plain: (UInt8) -> Bool = { b in
            (48...57).contains(b) || (65...90).contains(b) || (97...122).contains(b) || Array("._/:=@+,-%".utf8).contains(b)
        }
        if !bytes.isEmpty, bytes.allSatisfy(plain) { return s }
        if bytes.allSatisfy({ (32...126).contains($0) }) { return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        return "$'" + bytes.map { b in
            b == 39 || b == 92 ? "\\" + String(UnicodeScalar(b)) : (32...126).contains(b) ? String(UnicodeScalar(b))
                : "\\x" + (b < 16 ? "0" : "") + String(b, radix: 16)
        }.joined() + "'"
    }

    /// The script's start: its options, then the functions its lines call.
    static func start(script: String, nothing: String, purpose: String) -> String {
        """
        #!/usr/bin/env bash
        # Written by Perimeter from the drafts beside it. Read report.md and each .diff first.
        set -euo pipefail
        cd "$(dirname "$0")"

        \(purpose)
        # Each account's block starts with `aws sts get-caller-identity` and stops, before any change, when the
        # credentials are another account's. Each change first reads the live policy: when it is not the one this
        # script expects to replace, it is saved under drift/ and the script stops (drift) unless --force.
        # Every check runs once for the whole script before the first change. Needs jq or python3.

        me=\(script)
        nothing='\(nothing)'
        usage() { echo "usage: $me [--force] [--via-endpoint VPCE-ID]..." >&2; exit 2; }
        force=0
        via=()
        while [ $# -gt 0 ]; do
            case $1 in
                --force) force=1 ;;
                --via-endpoint) [ $# -ge 2 ] || usage; via+=("$2"); shift ;;
                *) usage ;;
            esac
            shift
        done
        phase=check
        fail() {
            if [ "$phase" = check ]; then echo "$me: $1: $nothing" >&2
            else echo "$me: $1: stopped; the changes before it were made" >&2; fi
            exit 1
        }

        """ + functions
    }

    /// Identity, live policies, drift, the administration path, and the step that changes one policy.
    static let functions = #"""
        command -v jq >/dev/null || command -v python3 >/dev/null || fail 'jq or python3 is needed to compare live policies'
        work=$(mktemp -d)
        trap 'rm -rf "$work"' EXIT
        profile=()
        actual=''
        caller=''
        # ACCOUNT [PROFILE]: the credentials (that profile's, else the default ones) must be the account's.
        account() {
            profile=()
            if [ $# -ge 2 ]; then profile=(--profile "$2"); fi
            local identity
            identity=$(aws ${profile[@]+"${profile[@]}"} sts get-caller-identity --query '[Account,Arn]' --output text) \
                || fail "account $1: aws sts get-caller-identity failed"
            read -r actual caller <<<"$identity" || true
            [ "$actual" = "$1" ] || fail "account $1: the credentials${2:+ of profile $2} are account $(printf %q "$actual")'s"
        }
        # A JSON file on one line with its keys sorted; nothing when it does not read.
        canonical() {
            if command -v jq >/dev/null; then jq -S -c . "$1" 2>/dev/null || true; else
                python3 -c 'import json, sys; print(json.dumps(json.load(open(sys.argv[1])), sort_keys=True, separators=(",", ":")))' \
                    "$1" 2>/dev/null || true
            fi
        }
        # LIVE EXPECTED: the live policy is EXPECTED (a file; none: no policy; unknown: never).
        same() {
            case $2 in
                none) [ ! -s "$1" ] ;;
                unknown) false ;;
                *) local a b; a=$(canonical "$1"); b=$(canonical "$2"); [ -n "$a" ] && [ "$a" = "$b" ] ;;
            esac
        }
        # endpoint REGION ID / bucket NAME: the live policy into $work/live (empty for none).
        live() {
            if [ "$1" = endpoint ]; then
                aws ${profile[@]+"${profile[@]}"} ec2 describe-vpc-endpoints --region "$2" --vpc-endpoint-ids "$3" \
                    --query 'VpcEndpoints[0].PolicyDocument' --output text >"$work/live" \
                    || fail "endpoint $3: its live policy could not be read"
                if [ "$(cat "$work/live")" = None ]; then : >"$work/live"; fi
            elif ! aws ${profile[@]+"${profile[@]}"} s3api get-bucket-policy --bucket "$2" --query Policy --output text \
                >"$work/live" 2>"$work/error"; then
                grep -q NoSuchBucketPolicy "$work/error" || fail "bucket $2: its live policy could not be read"
                : >"$work/live"
            fi
        }
        # KIND NAME EXPECTED: the live policy is not the one expected; saved under drift/, stop unless --force.
        drifted() {
            local saved="drift/$1s/$2.json" was="$3"
            case $3 in none) was='no policy' ;; unknown) was='a policy the inventory did not give (not saved in current/)' ;; esac
            mkdir -p "drift/$1s"
            cp "$work/live" "$saved"
            if [ "$force" = 1 ]; then
                echo "$me: $1 $2: the live policy is not $was (saved as $saved): --force, changed anyway" >&2
                return
            fi
            fail "$1 $2: drift: the live policy is not $was (saved as $saved); compare them, run perimeter on a fresh \
        inventory, or pass --force"
        }
        # KIND (REGION) NAME FROM TO: FROM is what the live policy must be, TO what it becomes (a file, or none).
        step() {
            local kind=$1 region=''
            shift
            if [ "$kind" = endpoint ]; then region=$1; shift; live endpoint "$region" "$1"; else live bucket "$1"; fi
            if same "$work/live" "$3"; then
                if [ "$phase" = change ]; then echo "$me: $kind $1: already as $3: left as it is" >&2; fi
                return
            fi
            same "$work/live" "$2" || drifted "$kind" "$1" "$2"
            [ "$phase" = change ] || return 0
            echo "$me: $kind $1: $3" >&2
            if [ "$kind" = endpoint ]; then
                aws ${profile[@]+"${profile[@]}"} ec2 modify-vpc-endpoint --region "$region" --vpc-endpoint-id "$1" \
                    --policy-document "file://$3"
            elif [ "$3" = none ]; then
                aws ${profile[@]+"${profile[@]}"} s3api delete-bucket-policy --bucket "$1"
            else
                aws ${profile[@]+"${profile[@]}"} s3api put-bucket-policy --bucket "$1" --policy "file://$3"
            fi
        }
        endpoint() { step endpoint "$@"; }
        bucket() { step bucket "$@"; }
        # NAME FROM TO ENDPOINT... -- ARN...: a lock, applied only when whoever runs this can still change the
        # bucket's policy afterwards (so that rollback.sh from here works): the account's root user, a principal
        # the lock exempts from the policy actions (a role by its name), or --via-endpoint naming an endpoint it answers.
        lock() {
            local name=$1 from=$2 to=$3 answered=() arn role=''
            shift 3
            while [ "$1" != -- ]; do answered+=("$1"); shift; done
            shift
            case $caller in *:sts::*:assumed-role/*) role=${caller#*:assumed-role/}; role=${role%%/*} ;; esac
            local path=no
            case $caller in arn:*:iam::"$actual":root) path=root ;; esac
            for arn in "$@"; do
                if [ "$arn" = "$caller" ]; then path=exempted; fi
                case $arn in
                    "${caller%%:sts::*}:iam::$actual:role/"*) if [ -n "$role" ] && [ "${arn##*/}" = "$role" ]; then path=exempted; fi ;;
                esac
            done
            for arn in ${via[@]+"${via[@]}"}; do
                case " ${answered[*]} " in *" $arn "*) path=endpoint ;; esac
            done
            [ "$path" != no ] || fail "bucket $name: once locked, only the root user, the principals the lock exempts and callers \
        through ${answered[*]} can change its policy, and $(printf %q "$caller") is none of them, so rollback.sh run from here would be \
        refused; run perimeter again with --admin-principal set to this caller's role or user ARN, or run apply.sh and rollback.sh from \
        a host whose S3 requests go through one of those endpoints and pass --via-endpoint with its id"
            step bucket "$name" "$from" "$to"
        }

        """#
}
