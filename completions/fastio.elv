
use builtin;
use str;

set edit:completion:arg-completer[fastio] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'fastio'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'fastio'= {
            cand --api-base 'API base URL [default: https://api.fast.io/current]'
            cand --token 'Access token or API key to use (see the credential order in --help)'
            cand --profile 'Credential and settings profile'
            cand --progress 'How to show progress on stderr'
            cand --stall-timeout 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")'
            cand --max-wait 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)'
            cand --bwlimit 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)'
            cand --emulator 'Run against a local emulator started inside this process (no account needed)'
            cand --json 'Machine-readable output: NDJSON events on stdout'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand login 'Store credentials for a profile: browser login (OAuth) or an API key'
            cand logout 'Remove a profile''s stored credentials and revoke its OAuth session'
            cand whoami 'Show which credential is in use and who it belongs to'
            cand upload 'Upload files and folder trees, concurrently and resumably'
            cand verify 'Check that what a receipt (or a local tree) says was stored is on the server'
            cand import-url 'Import files from URLs on the server side'
            cand lock 'File and folder locks for coordinating several writers'
            cand ask 'Ask a question about workspace files; the answer comes with citations'
            cand doctor 'Check that every call this tool relies on works with your account and server'
            cand bench 'Measure upload speed with generated data and find the best --concurrency'
            cand emulator 'Run a local Fast.io-compatible API server'
            cand completions 'Print a shell completion script to stdout'
            cand generate 'Regenerate the committed completions and man pages (for maintainers)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'fastio;login'= {
            cand --client-id 'OAuth client id'
            cand --redirect-uri 'OAuth redirect URI (a listener on 127.0.0.1 is bound to its port; 0 = any free port)'
            cand --timeout 'Give up waiting for the browser after this many seconds (1 to 3600)'
            cand --workspace 'Default workspace (id or name) to remember for this profile'
            cand --api-base 'API base URL [default: https://api.fast.io/current]'
            cand --token 'Access token or API key to use (see the credential order in --help)'
            cand --profile 'Credential and settings profile'
            cand --progress 'How to show progress on stderr'
            cand --stall-timeout 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")'
            cand --max-wait 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)'
            cand --bwlimit 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)'
            cand --api-key 'Store an API key instead of logging in through the browser'
            cand --no-browser 'Do not open a browser: print the URL and read the displayed code pasted back'
            cand --emulator 'Run against a local emulator started inside this process (no account needed)'
            cand --json 'Machine-readable output: NDJSON events on stdout'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'fastio;logout'= {
            cand --api-base 'API base URL [default: https://api.fast.io/current]'
            cand --token 'Access token or API key to use (see the credential order in --help)'
            cand --profile 'Credential and settings profile'
            cand --progress 'How to show progress on stderr'
            cand --stall-timeout 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")'
            cand --max-wait 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)'
            cand --bwlimit 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)'
            cand --emulator 'Run against a local emulator started inside this process (no account needed)'
            cand --json 'Machine-readable output: NDJSON events on stdout'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'fastio;whoami'= {
            cand --api-base 'API base URL [default: https://api.fast.io/current]'
            cand --token 'Access token or API key to use (see the credential order in --help)'
            cand --profile 'Credential and settings profile'
            cand --progress 'How to show progress on stderr'
            cand --stall-timeout 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")'
            cand --max-wait 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)'
            cand --bwlimit 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)'
            cand --emulator 'Run against a local emulator started inside this process (no account needed)'
            cand --json 'Machine-readable output: NDJSON events on stdout'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'fastio;upload'= {
            cand -w 'Workspace id or name'
            cand --workspace 'Workspace id or name'
            cand --to 'Remote folder path under the workspace root (created as needed)'
            cand -j 'HTTP requests in flight at once, across all files (1 to 256)'
            cand --concurrency 'HTTP requests in flight at once, across all files (1 to 256)'
            cand --files-from 'Read more paths from FILE, one per line (`-` for stdin)'
            cand --include 'Only upload paths matching this glob (relative to the argument; `**` matches folders)'
            cand --exclude 'Skip paths matching this glob (relative to the argument)'
            cand --if-changed 'How to decide a remote file is identical and can be skipped'
            cand --retries 'Retries per request for 5xx, stalls, timeouts and connection errors (0 to 100; 0: a request that fails so fails its file; 429s are waited out and are not retries)'
            cand --assembly-timeout 'Fail a file whose upload session is not stored this long after its last chunk (1s to 7d)'
            cand --receipt 'Write a receipt: one JSON line per stored file (node id, size, SHA-256), as they finish'
            cand --shard 'Upload only shard I of N of the files (1-based; a stable hash of each file''s path)'
            cand --name 'With `-` (standard input): the remote file name'
            cand --max-size 'With `-`: refuse standard input longer than this (e.g. 10GB; at least 1 byte); also sent to the server'
            cand --ci 'CI-native output: annotations, folded progress and a step summary in GitHub Actions'
            cand --api-base 'API base URL [default: https://api.fast.io/current]'
            cand --token 'Access token or API key to use (see the credential order in --help)'
            cand --profile 'Credential and settings profile'
            cand --progress 'How to show progress on stderr'
            cand --stall-timeout 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")'
            cand --max-wait 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)'
            cand --bwlimit 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)'
            cand -0 'With --files-from: paths are NUL-separated'
            cand --null 'With --files-from: paths are NUL-separated'
            cand -L 'Follow symbolic links (with loop detection); by default they are skipped and listed'
            cand --follow-symlinks 'Follow symbolic links (with loop detection); by default they are skipped and listed'
            cand --overwrite 'Upload even when the remote file looks identical'
            cand --no-resume 'Ignore (and do not write) the resume journal'
            cand -n 'Show what would be uploaded, skipped and created, using read-only calls only'
            cand --dry-run 'Show what would be uploaded, skipped and created, using read-only calls only'
            cand --lock 'Lock the destination folder for the whole upload'
            cand --emulator 'Run against a local emulator started inside this process (no account needed)'
            cand --json 'Machine-readable output: NDJSON events on stdout'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'fastio;verify'= {
            cand --receipt 'Check every file of this receipt (written by `upload --receipt`)'
            cand --to 'Remote folder the PATHs were uploaded to (as `upload --to`)'
            cand -w 'Workspace id or name (with --receipt: each line''s own, unless given here)'
            cand --workspace 'Workspace id or name (with --receipt: each line''s own, unless given here)'
            cand --ci 'CI-native output: annotations and a step summary in GitHub Actions'
            cand --api-base 'API base URL [default: https://api.fast.io/current]'
            cand --token 'Access token or API key to use (see the credential order in --help)'
            cand --profile 'Credential and settings profile'
            cand --progress 'How to show progress on stderr'
            cand --stall-timeout 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")'
            cand --max-wait 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)'
            cand --bwlimit 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)'
            cand --partial 'Accept a receipt whose run did not finish (no summary line) or that records no files, and check what it records'
            cand --extra 'Also report remote files that have no local counterpart'
            cand -L 'Follow symbolic links in the local tree'
            cand --follow-symlinks 'Follow symbolic links in the local tree'
            cand --emulator 'Run against a local emulator started inside this process (no account needed)'
            cand --json 'Machine-readable output: NDJSON events on stdout'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'fastio;import-url'= {
            cand -w 'Workspace id or name'
            cand --workspace 'Workspace id or name'
            cand --to 'Remote folder path under the workspace root (created as needed)'
            cand --name 'File name for the imported file (only with a single URL)'
            cand --urls-from 'Read URLs from FILE, one per line (`-` for stdin; `#` starts a comment)'
            cand -j 'Import jobs submitted or polled at once (1 to 64)'
            cand --concurrency 'Import jobs submitted or polled at once (1 to 64)'
            cand --timeout 'Give up waiting for one import after this many seconds (1 to 86400)'
            cand --api-base 'API base URL [default: https://api.fast.io/current]'
            cand --token 'Access token or API key to use (see the credential order in --help)'
            cand --profile 'Credential and settings profile'
            cand --progress 'How to show progress on stderr'
            cand --stall-timeout 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")'
            cand --max-wait 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)'
            cand --bwlimit 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)'
            cand --no-wait 'Report once submitted, without waiting for the imports to finish'
            cand --emulator 'Run against a local emulator started inside this process (no account needed)'
            cand --json 'Machine-readable output: NDJSON events on stdout'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'fastio;lock'= {
            cand -w 'Workspace id or name'
            cand --workspace 'Workspace id or name'
            cand --api-base 'API base URL [default: https://api.fast.io/current]'
            cand --token 'Access token or API key to use (see the credential order in --help)'
            cand --profile 'Credential and settings profile'
            cand --progress 'How to show progress on stderr'
            cand --stall-timeout 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")'
            cand --max-wait 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)'
            cand --bwlimit 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)'
            cand --emulator 'Run against a local emulator started inside this process (no account needed)'
            cand --json 'Machine-readable output: NDJSON events on stdout'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand acquire 'Take a lock and print its token alone on stdout'
            cand status 'Show whether a node is locked, by whom and until when'
            cand heartbeat 'Extend a lock you hold'
            cand release 'Release a lock you hold'
            cand run 'Hold a lock while COMMAND runs, then release it whatever happens'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'fastio;lock;acquire'= {
            cand --duration 'Lock duration in seconds (60-3600)'
            cand --wait 'If another client holds the lock, keep trying for up to this many seconds (0 to 86400; 0: try once)'
            cand -w 'Workspace id or name'
            cand --workspace 'Workspace id or name'
            cand --api-base 'API base URL [default: https://api.fast.io/current]'
            cand --token 'Access token or API key to use (see the credential order in --help)'
            cand --profile 'Credential and settings profile'
            cand --progress 'How to show progress on stderr'
            cand --stall-timeout 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")'
            cand --max-wait 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)'
            cand --bwlimit 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)'
            cand --emulator 'Run against a local emulator started inside this process (no account needed)'
            cand --json 'Machine-readable output: NDJSON events on stdout'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'fastio;lock;status'= {
            cand -w 'Workspace id or name'
            cand --workspace 'Workspace id or name'
            cand --api-base 'API base URL [default: https://api.fast.io/current]'
            cand --token 'Access token or API key to use (see the credential order in --help)'
            cand --profile 'Credential and settings profile'
            cand --progress 'How to show progress on stderr'
            cand --stall-timeout 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")'
            cand --max-wait 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)'
            cand --bwlimit 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)'
            cand --emulator 'Run against a local emulator started inside this process (no account needed)'
            cand --json 'Machine-readable output: NDJSON events on stdout'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'fastio;lock;heartbeat'= {
            cand --lock-token 'The lock token printed by `lock acquire` (`--token` is the global credential flag)'
            cand -w 'Workspace id or name'
            cand --workspace 'Workspace id or name'
            cand --api-base 'API base URL [default: https://api.fast.io/current]'
            cand --token 'Access token or API key to use (see the credential order in --help)'
            cand --profile 'Credential and settings profile'
            cand --progress 'How to show progress on stderr'
            cand --stall-timeout 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")'
            cand --max-wait 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)'
            cand --bwlimit 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)'
            cand --emulator 'Run against a local emulator started inside this process (no account needed)'
            cand --json 'Machine-readable output: NDJSON events on stdout'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'fastio;lock;release'= {
            cand --lock-token 'The lock token printed by `lock acquire` (`--token` is the global credential flag)'
            cand -w 'Workspace id or name'
            cand --workspace 'Workspace id or name'
            cand --api-base 'API base URL [default: https://api.fast.io/current]'
            cand --token 'Access token or API key to use (see the credential order in --help)'
            cand --profile 'Credential and settings profile'
            cand --progress 'How to show progress on stderr'
            cand --stall-timeout 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")'
            cand --max-wait 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)'
            cand --bwlimit 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)'
            cand --emulator 'Run against a local emulator started inside this process (no account needed)'
            cand --json 'Machine-readable output: NDJSON events on stdout'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'fastio;lock;run'= {
            cand --duration 'Lock duration in seconds (60-3600); a heartbeat extends it while COMMAND runs'
            cand --wait 'If another client holds the lock, keep trying for up to this many seconds (0 to 86400; 0: try once)'
            cand -w 'Workspace id or name'
            cand --workspace 'Workspace id or name'
            cand --api-base 'API base URL [default: https://api.fast.io/current]'
            cand --token 'Access token or API key to use (see the credential order in --help)'
            cand --profile 'Credential and settings profile'
            cand --progress 'How to show progress on stderr'
            cand --stall-timeout 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")'
            cand --max-wait 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)'
            cand --bwlimit 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)'
            cand --emulator 'Run against a local emulator started inside this process (no account needed)'
            cand --json 'Machine-readable output: NDJSON events on stdout'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'fastio;lock;help'= {
            cand acquire 'Take a lock and print its token alone on stdout'
            cand status 'Show whether a node is locked, by whom and until when'
            cand heartbeat 'Extend a lock you hold'
            cand release 'Release a lock you hold'
            cand run 'Hold a lock while COMMAND runs, then release it whatever happens'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'fastio;lock;help;acquire'= {
        }
        &'fastio;lock;help;status'= {
        }
        &'fastio;lock;help;heartbeat'= {
        }
        &'fastio;lock;help;release'= {
        }
        &'fastio;lock;help;run'= {
        }
        &'fastio;lock;help;help'= {
        }
        &'fastio;ask'= {
            cand -w 'Workspace id or name'
            cand --workspace 'Workspace id or name'
            cand --folder 'Ground the answer in this remote folder (repeatable)'
            cand --file 'Attach this remote file (repeatable)'
            cand --timeout 'Give up waiting for the answer after this many seconds (1 to 86400)'
            cand --api-base 'API base URL [default: https://api.fast.io/current]'
            cand --token 'Access token or API key to use (see the credential order in --help)'
            cand --profile 'Credential and settings profile'
            cand --progress 'How to show progress on stderr'
            cand --stall-timeout 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")'
            cand --max-wait 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)'
            cand --bwlimit 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)'
            cand --wait-indexed 'Wait until the referenced files are indexed before asking'
            cand --enable-intelligence 'Turn on workspace intelligence first (costs credits; files already there get indexed)'
            cand --emulator 'Run against a local emulator started inside this process (no account needed)'
            cand --json 'Machine-readable output: NDJSON events on stdout'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'fastio;doctor'= {
            cand -w 'Workspace id or name'
            cand --workspace 'Workspace id or name'
            cand --import-url 'The file URL the import check asks the server to fetch [default: a file served on loopback when the API is on loopback]'
            cand --assembly-timeout 'Fail the upload checks when a session is not stored this long after its last chunk (1s to 7d)'
            cand --api-base 'API base URL [default: https://api.fast.io/current]'
            cand --token 'Access token or API key to use (see the credential order in --help)'
            cand --profile 'Credential and settings profile'
            cand --progress 'How to show progress on stderr'
            cand --stall-timeout 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")'
            cand --max-wait 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)'
            cand --bwlimit 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)'
            cand --read-only 'Skip every check that writes (no scratch folder)'
            cand --all 'Also check URL import and AI questions (the AI check may cost credits)'
            cand --emulator 'Run against a local emulator started inside this process (no account needed)'
            cand --json 'Machine-readable output: NDJSON events on stdout'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'fastio;bench'= {
            cand -w 'Workspace id or name'
            cand --workspace 'Workspace id or name'
            cand --preset 'A named set of files (ignored with --size or --files)'
            cand --size 'Size of every file (e.g. 4KiB, 5MiB, 1GiB) [default with --files: 1MiB]'
            cand --files 'Number of files per step (1 to 1000000) [default with --size: 1]'
            cand -j 'The --concurrency values to try, in order (comma-separated, each 1 to 256) [default: 1,2,4,8,16,32]'
            cand --concurrency 'The --concurrency values to try, in order (comma-separated, each 1 to 256) [default: 1,2,4,8,16,32]'
            cand --retries 'Retries per request for 5xx, timeouts and connection errors (0 to 100)'
            cand --assembly-timeout 'Fail a file whose upload session is not stored this long after its last chunk (1s to 7d)'
            cand --api-base 'API base URL [default: https://api.fast.io/current]'
            cand --token 'Access token or API key to use (see the credential order in --help)'
            cand --profile 'Credential and settings profile'
            cand --progress 'How to show progress on stderr'
            cand --stall-timeout 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")'
            cand --max-wait 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)'
            cand --bwlimit 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)'
            cand --emulator 'Run against a local emulator started inside this process (no account needed)'
            cand --json 'Machine-readable output: NDJSON events on stdout'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'fastio;emulator'= {
            cand --listen 'Address to listen on (loopback unless another address is named explicitly; port 0 = any free port)'
            cand --api-key 'API key to accept (repeatable; one is generated when none is given)'
            cand --workspace 'Workspace to create (repeatable; the folder_name; default `default`)'
            cand --data-dir 'Where files and metadata are kept [default: the XDG data dir]'
            cand --chunk-size 'Largest chunk accepted, reported by /upload/limits/ (e.g. 100MB, 2MiB)'
            cand --max-chunks 'Most chunks per upload session (1 to 100000)'
            cand --max-file-size 'Largest file accepted (e.g. 40GB)'
            cand --max-sessions 'Most open upload sessions per user (1 to 1000000)'
            cand --assembly-delay-ms 'Time spent in each state between /complete/ and stored (assemble … storing; 0 to 3600000)'
            cand --fail-assembly-rate 'Fraction of completed chunked uploads that end in assembly_failed or store_failed'
            cand --rate-limit 'Requests per second allowed per token (0 = unlimited; at most 1000000)'
            cand --burst 'Burst size of the rate limiter (1 to 1000000) [default: the rate, at least 1]'
            cand --seed 'Seed for the injected faults (--fail-rate, --reset-rate, --fail-assembly-rate)'
            cand --latency-ms 'Added latency per request (0 to 600000)'
            cand --fail-rate 'Fraction of requests answered with a random 502/503/504'
            cand --reset-rate 'Fraction of requests whose connection is dropped mid-request'
            cand --bandwidth-per-conn 'Throttle reading request bodies per connection (e.g. 50MB = 50 MB/s)'
            cand --token-ttl 'Lifetime of OAuth access tokens (1 to 31536000)'
            cand --answer-delay-ms 'Delay before an AI answer is complete (0 to 3600000)'
            cand --variant 'Switch on an alternative server behaviour (repeatable); `list` prints them all'
            cand --fault-route 'Answer METHOD /path (`*` = one segment) with STATUS and an error envelope (repeatable)'
            cand --api-base 'API base URL [default: https://api.fast.io/current]'
            cand --token 'Access token or API key to use (see the credential order in --help)'
            cand --profile 'Credential and settings profile'
            cand --progress 'How to show progress on stderr'
            cand --stall-timeout 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")'
            cand --max-wait 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)'
            cand --bwlimit 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)'
            cand --omit-new-file-ids 'Leave new_file_id out of single-call answers and send node_id null in batch results (clients must poll the session or list the folder, as the service allows; = --variant omit-new-file-ids)'
            cand --intelligence 'Turn workspace intelligence (AI indexing) on for the created workspaces'
            cand --allow-private-urls 'Let URL imports fetch private and loopback addresses (for tests)'
            cand --flip-envelopes 'Emit the alternative envelope shapes (flat where nested is canonical and vice versa; = --variant flip-envelopes)'
            cand --legacy-rate-headers 'Send the legacy X-Rate-Limit-* header names (= --variant legacy-rate-headers)'
            cand --datetime-expiry 'Send the rate-limit expiry as a UTC datetime instead of epoch seconds (= --variant datetime-expiry)'
            cand --validation-400 'Answer validation errors with HTTP 400 instead of 406 (= --variant validation-400)'
            cand --auto-approve 'Approve OAuth consent requests without asking for the emulator''s API key'
            cand --log-requests 'Log every request (method, path, status, time) to stderr'
            cand --emulator 'Run against a local emulator started inside this process (no account needed)'
            cand --json 'Machine-readable output: NDJSON events on stdout'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'fastio;completions'= {
            cand --api-base 'API base URL [default: https://api.fast.io/current]'
            cand --token 'Access token or API key to use (see the credential order in --help)'
            cand --profile 'Credential and settings profile'
            cand --progress 'How to show progress on stderr'
            cand --stall-timeout 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")'
            cand --max-wait 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)'
            cand --bwlimit 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)'
            cand --emulator 'Run against a local emulator started inside this process (no account needed)'
            cand --json 'Machine-readable output: NDJSON events on stdout'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'fastio;generate'= {
            cand --api-base 'API base URL [default: https://api.fast.io/current]'
            cand --token 'Access token or API key to use (see the credential order in --help)'
            cand --profile 'Credential and settings profile'
            cand --progress 'How to show progress on stderr'
            cand --stall-timeout 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")'
            cand --max-wait 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)'
            cand --bwlimit 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)'
            cand --emulator 'Run against a local emulator started inside this process (no account needed)'
            cand --json 'Machine-readable output: NDJSON events on stdout'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand completions 'Write completion scripts for every supported shell into DIR'
            cand man 'Write man pages (fastio.1 and one per subcommand) into DIR'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'fastio;generate;completions'= {
            cand --api-base 'API base URL [default: https://api.fast.io/current]'
            cand --token 'Access token or API key to use (see the credential order in --help)'
            cand --profile 'Credential and settings profile'
            cand --progress 'How to show progress on stderr'
            cand --stall-timeout 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")'
            cand --max-wait 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)'
            cand --bwlimit 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)'
            cand --emulator 'Run against a local emulator started inside this process (no account needed)'
            cand --json 'Machine-readable output: NDJSON events on stdout'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'fastio;generate;man'= {
            cand --api-base 'API base URL [default: https://api.fast.io/current]'
            cand --token 'Access token or API key to use (see the credential order in --help)'
            cand --profile 'Credential and settings profile'
            cand --progress 'How to show progress on stderr'
            cand --stall-timeout 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")'
            cand --max-wait 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)'
            cand --bwlimit 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)'
            cand --emulator 'Run against a local emulator started inside this process (no account needed)'
            cand --json 'Machine-readable output: NDJSON events on stdout'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'fastio;generate;help'= {
            cand completions 'Write completion scripts for every supported shell into DIR'
            cand man 'Write man pages (fastio.1 and one per subcommand) into DIR'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'fastio;generate;help;completions'= {
        }
        &'fastio;generate;help;man'= {
        }
        &'fastio;generate;help;help'= {
        }
        &'fastio;help'= {
            cand login 'Store credentials for a profile: browser login (OAuth) or an API key'
            cand logout 'Remove a profile''s stored credentials and revoke its OAuth session'
            cand whoami 'Show which credential is in use and who it belongs to'
            cand upload 'Upload files and folder trees, concurrently and resumably'
            cand verify 'Check that what a receipt (or a local tree) says was stored is on the server'
            cand import-url 'Import files from URLs on the server side'
            cand lock 'File and folder locks for coordinating several writers'
            cand ask 'Ask a question about workspace files; the answer comes with citations'
            cand doctor 'Check that every call this tool relies on works with your account and server'
            cand bench 'Measure upload speed with generated data and find the best --concurrency'
            cand emulator 'Run a local Fast.io-compatible API server'
            cand completions 'Print a shell completion script to stdout'
            cand generate 'Regenerate the committed completions and man pages (for maintainers)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'fastio;help;login'= {
        }
        &'fastio;help;logout'= {
        }
        &'fastio;help;whoami'= {
        }
        &'fastio;help;upload'= {
        }
        &'fastio;help;verify'= {
        }
        &'fastio;help;import-url'= {
        }
        &'fastio;help;lock'= {
            cand acquire 'Take a lock and print its token alone on stdout'
            cand status 'Show whether a node is locked, by whom and until when'
            cand heartbeat 'Extend a lock you hold'
            cand release 'Release a lock you hold'
            cand run 'Hold a lock while COMMAND runs, then release it whatever happens'
        }
        &'fastio;help;lock;acquire'= {
        }
        &'fastio;help;lock;status'= {
        }
        &'fastio;help;lock;heartbeat'= {
        }
        &'fastio;help;lock;release'= {
        }
        &'fastio;help;lock;run'= {
        }
        &'fastio;help;ask'= {
        }
        &'fastio;help;doctor'= {
        }
        &'fastio;help;bench'= {
        }
        &'fastio;help;emulator'= {
        }
        &'fastio;help;completions'= {
        }
        &'fastio;help;generate'= {
            cand completions 'Write completion scripts for every supported shell into DIR'
            cand man 'Write man pages (fastio.1 and one per subcommand) into DIR'
        }
        &'fastio;help;generate;completions'= {
        }
        &'fastio;help;generate;man'= {
        }
        &'fastio;help;help'= {
        }
    ]
    $completions[$command]
}
