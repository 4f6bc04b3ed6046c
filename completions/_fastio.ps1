
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'fastio' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'fastio'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'fastio' {
            [CompletionResult]::new('--api-base', '--api-base', [CompletionResultType]::ParameterName, 'API base URL [default: https://api.fast.io/current]')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Access token or API key to use (see the credential order in --help)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Credential and settings profile')
            [CompletionResult]::new('--progress', '--progress', [CompletionResultType]::ParameterName, 'How to show progress on stderr')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'Append a log to FILE: each HTTP request and each file''s outcome (the -vv level, or more with -vvv or RUST_LOG), whatever stderr shows')
            [CompletionResult]::new('--stall-timeout', '--stall-timeout', [CompletionResultType]::ParameterName, 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")')
            [CompletionResult]::new('--max-wait', '--max-wait', [CompletionResultType]::ParameterName, 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)')
            [CompletionResult]::new('--bwlimit', '--bwlimit', [CompletionResultType]::ParameterName, 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)')
            [CompletionResult]::new('--emulator', '--emulator', [CompletionResultType]::ParameterName, 'Run against a local emulator started inside this process (no account needed)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: NDJSON events on stdout')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Store credentials for a profile: browser login (OAuth) or an API key')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Remove a profile''s stored credentials and revoke its OAuth session')
            [CompletionResult]::new('whoami', 'whoami', [CompletionResultType]::ParameterValue, 'Show which credential is in use and who it belongs to')
            [CompletionResult]::new('upload', 'upload', [CompletionResultType]::ParameterValue, 'Upload files and folder trees, concurrently and resumably')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List remote folders (and the workspaces you can use)')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check that what a receipt (or a local tree) says was stored is on the server')
            [CompletionResult]::new('import-url', 'import-url', [CompletionResultType]::ParameterValue, 'Import files from URLs on the server side')
            [CompletionResult]::new('lock', 'lock', [CompletionResultType]::ParameterValue, 'File and folder locks for coordinating several writers')
            [CompletionResult]::new('ask', 'ask', [CompletionResultType]::ParameterValue, 'Ask a question about workspace files; the answer comes with citations')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check that every call this tool relies on works with your account and server')
            [CompletionResult]::new('bench', 'bench', [CompletionResultType]::ParameterValue, 'Measure upload speed with generated data and find the best --concurrency')
            [CompletionResult]::new('emulator', 'emulator', [CompletionResultType]::ParameterValue, 'Run a local Fast.io-compatible API server')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script to stdout')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'fastio;login' {
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'OAuth client id')
            [CompletionResult]::new('--redirect-uri', '--redirect-uri', [CompletionResultType]::ParameterName, 'OAuth redirect URI (a listener on 127.0.0.1 is bound to its port; 0 = any free port)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting for the browser after this many seconds (1 to 3600)')
            [CompletionResult]::new('--workspace', '--workspace', [CompletionResultType]::ParameterName, 'Default workspace (id or name) to remember for this profile')
            [CompletionResult]::new('--api-base', '--api-base', [CompletionResultType]::ParameterName, 'API base URL [default: https://api.fast.io/current]')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Access token or API key to use (see the credential order in --help)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Credential and settings profile')
            [CompletionResult]::new('--progress', '--progress', [CompletionResultType]::ParameterName, 'How to show progress on stderr')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'Append a log to FILE: each HTTP request and each file''s outcome (the -vv level, or more with -vvv or RUST_LOG), whatever stderr shows')
            [CompletionResult]::new('--stall-timeout', '--stall-timeout', [CompletionResultType]::ParameterName, 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")')
            [CompletionResult]::new('--max-wait', '--max-wait', [CompletionResultType]::ParameterName, 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)')
            [CompletionResult]::new('--bwlimit', '--bwlimit', [CompletionResultType]::ParameterName, 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'Store an API key instead of logging in through the browser')
            [CompletionResult]::new('--no-browser', '--no-browser', [CompletionResultType]::ParameterName, 'Do not open a browser: print the URL and read the displayed code pasted back')
            [CompletionResult]::new('--emulator', '--emulator', [CompletionResultType]::ParameterName, 'Run against a local emulator started inside this process (no account needed)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: NDJSON events on stdout')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'fastio;logout' {
            [CompletionResult]::new('--api-base', '--api-base', [CompletionResultType]::ParameterName, 'API base URL [default: https://api.fast.io/current]')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Access token or API key to use (see the credential order in --help)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Credential and settings profile')
            [CompletionResult]::new('--progress', '--progress', [CompletionResultType]::ParameterName, 'How to show progress on stderr')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'Append a log to FILE: each HTTP request and each file''s outcome (the -vv level, or more with -vvv or RUST_LOG), whatever stderr shows')
            [CompletionResult]::new('--stall-timeout', '--stall-timeout', [CompletionResultType]::ParameterName, 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")')
            [CompletionResult]::new('--max-wait', '--max-wait', [CompletionResultType]::ParameterName, 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)')
            [CompletionResult]::new('--bwlimit', '--bwlimit', [CompletionResultType]::ParameterName, 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)')
            [CompletionResult]::new('--emulator', '--emulator', [CompletionResultType]::ParameterName, 'Run against a local emulator started inside this process (no account needed)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: NDJSON events on stdout')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'fastio;whoami' {
            [CompletionResult]::new('--api-base', '--api-base', [CompletionResultType]::ParameterName, 'API base URL [default: https://api.fast.io/current]')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Access token or API key to use (see the credential order in --help)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Credential and settings profile')
            [CompletionResult]::new('--progress', '--progress', [CompletionResultType]::ParameterName, 'How to show progress on stderr')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'Append a log to FILE: each HTTP request and each file''s outcome (the -vv level, or more with -vvv or RUST_LOG), whatever stderr shows')
            [CompletionResult]::new('--stall-timeout', '--stall-timeout', [CompletionResultType]::ParameterName, 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")')
            [CompletionResult]::new('--max-wait', '--max-wait', [CompletionResultType]::ParameterName, 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)')
            [CompletionResult]::new('--bwlimit', '--bwlimit', [CompletionResultType]::ParameterName, 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)')
            [CompletionResult]::new('--emulator', '--emulator', [CompletionResultType]::ParameterName, 'Run against a local emulator started inside this process (no account needed)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: NDJSON events on stdout')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'fastio;upload' {
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Workspace id or name')
            [CompletionResult]::new('--workspace', '--workspace', [CompletionResultType]::ParameterName, 'Workspace id or name')
            [CompletionResult]::new('--share', '--share', [CompletionResultType]::ParameterName, 'A share (id or name) instead of a workspace: upload into it (its root and folders, as for a workspace)')
            [CompletionResult]::new('--share-password', '--share-password', [CompletionResultType]::ParameterName, 'The share''s password (also FASTIO_SHARE_PASSWORD), sent as `x-ve-password`; never shown')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Remote folder path under the workspace root (created as needed)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'HTTP requests in flight at once, across all files (1 to 256)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'HTTP requests in flight at once, across all files (1 to 256)')
            [CompletionResult]::new('--files-from', '--files-from', [CompletionResultType]::ParameterName, 'Read more paths from FILE, one per line (`-` for stdin)')
            [CompletionResult]::new('--include', '--include', [CompletionResultType]::ParameterName, 'Only upload paths matching this glob (relative to the argument; `**` matches folders)')
            [CompletionResult]::new('--exclude', '--exclude', [CompletionResultType]::ParameterName, 'Skip paths matching this glob (relative to the argument)')
            [CompletionResult]::new('--if-changed', '--if-changed', [CompletionResultType]::ParameterName, 'How to decide a remote file is identical and can be skipped')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries per request for 5xx, stalls, timeouts and connection errors (0 to 100; 0: a request that fails so fails its file; 429s are waited out and are not retries)')
            [CompletionResult]::new('--assembly-timeout', '--assembly-timeout', [CompletionResultType]::ParameterName, 'Fail a file whose upload session is not stored this long after its last chunk (1s to 7d)')
            [CompletionResult]::new('--settle', '--settle', [CompletionResultType]::ParameterName, 'With --watch: send a file once its size and modification time are unchanged this long')
            [CompletionResult]::new('--rescan', '--rescan', [CompletionResultType]::ParameterName, 'With --watch: look at every file again this often, for changes no notification told of (network mounts); 0 = never')
            [CompletionResult]::new('--receipt', '--receipt', [CompletionResultType]::ParameterName, 'Write a receipt: one JSON line per stored file (node id, size, SHA-256), as they finish')
            [CompletionResult]::new('--shard', '--shard', [CompletionResultType]::ParameterName, 'Upload only shard I of N of the files (1-based; a stable hash of each file''s path); `auto` (or `auto/N`) reads I and N from the job runner')
            [CompletionResult]::new('--max-delete', '--max-delete', [CompletionResultType]::ParameterName, 'With --delete: delete nothing (exit 1) when more than N files and folders would go')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'With `-` (standard input): the remote file name')
            [CompletionResult]::new('--max-size', '--max-size', [CompletionResultType]::ParameterName, 'With `-`: refuse standard input longer than this (e.g. 10GB; at least 1 byte); also sent to the server')
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'With `-`: standard input''s exact size, declared to the server as the stream''s length (input of another size fails)')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'CI-native output: annotations, folded progress and a step summary in GitHub Actions')
            [CompletionResult]::new('--api-base', '--api-base', [CompletionResultType]::ParameterName, 'API base URL [default: https://api.fast.io/current]')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Access token or API key to use (see the credential order in --help)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Credential and settings profile')
            [CompletionResult]::new('--progress', '--progress', [CompletionResultType]::ParameterName, 'How to show progress on stderr')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'Append a log to FILE: each HTTP request and each file''s outcome (the -vv level, or more with -vvv or RUST_LOG), whatever stderr shows')
            [CompletionResult]::new('--stall-timeout', '--stall-timeout', [CompletionResultType]::ParameterName, 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")')
            [CompletionResult]::new('--max-wait', '--max-wait', [CompletionResultType]::ParameterName, 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)')
            [CompletionResult]::new('--bwlimit', '--bwlimit', [CompletionResultType]::ParameterName, 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)')
            [CompletionResult]::new('-0', '-0', [CompletionResultType]::ParameterName, 'With --files-from: paths are NUL-separated')
            [CompletionResult]::new('--null', '--null', [CompletionResultType]::ParameterName, 'With --files-from: paths are NUL-separated')
            [CompletionResult]::new('-L', '-L ', [CompletionResultType]::ParameterName, 'Follow symbolic links (with loop detection); by default they are skipped and listed')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow symbolic links (with loop detection); by default they are skipped and listed')
            [CompletionResult]::new('--overwrite', '--overwrite', [CompletionResultType]::ParameterName, 'Upload even when the remote file looks identical')
            [CompletionResult]::new('--no-resume', '--no-resume', [CompletionResultType]::ParameterName, 'Ignore (and do not write) the resume journal')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Show what would be uploaded, skipped and created, using read-only calls only')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be uploaded, skipped and created, using read-only calls only')
            [CompletionResult]::new('--lock', '--lock', [CompletionResultType]::ParameterName, 'Lock the destination folder for the whole upload')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Keep running after the first pass: upload files as they appear or change (Ctrl-C or SIGTERM ends it)')
            [CompletionResult]::new('--delete', '--delete', [CompletionResultType]::ParameterName, 'After a run where every file was uploaded or skipped, move remote files and folders under the destination that have no local twin to the trash')
            [CompletionResult]::new('--delete-excluded', '--delete-excluded', [CompletionResultType]::ParameterName, 'With --delete: also trash remote files the filters exclude (kept by default)')
            [CompletionResult]::new('--emulator', '--emulator', [CompletionResultType]::ParameterName, 'Run against a local emulator started inside this process (no account needed)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: NDJSON events on stdout')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'fastio;ls' {
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Workspace id or name')
            [CompletionResult]::new('--workspace', '--workspace', [CompletionResultType]::ParameterName, 'Workspace id or name')
            [CompletionResult]::new('--api-base', '--api-base', [CompletionResultType]::ParameterName, 'API base URL [default: https://api.fast.io/current]')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Access token or API key to use (see the credential order in --help)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Credential and settings profile')
            [CompletionResult]::new('--progress', '--progress', [CompletionResultType]::ParameterName, 'How to show progress on stderr')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'Append a log to FILE: each HTTP request and each file''s outcome (the -vv level, or more with -vvv or RUST_LOG), whatever stderr shows')
            [CompletionResult]::new('--stall-timeout', '--stall-timeout', [CompletionResultType]::ParameterName, 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")')
            [CompletionResult]::new('--max-wait', '--max-wait', [CompletionResultType]::ParameterName, 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)')
            [CompletionResult]::new('--bwlimit', '--bwlimit', [CompletionResultType]::ParameterName, 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)')
            [CompletionResult]::new('-R', '-R ', [CompletionResultType]::ParameterName, 'List the folders below too, recursively')
            [CompletionResult]::new('--recursive', '--recursive', [CompletionResultType]::ParameterName, 'List the folders below too, recursively')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Long listing: size, last modification and content hash')
            [CompletionResult]::new('--long', '--long', [CompletionResultType]::ParameterName, 'Long listing: size, last modification and content hash')
            [CompletionResult]::new('--workspaces', '--workspaces', [CompletionResultType]::ParameterName, 'List the workspaces this credential can use (id and name) instead of files')
            [CompletionResult]::new('--emulator', '--emulator', [CompletionResultType]::ParameterName, 'Run against a local emulator started inside this process (no account needed)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: NDJSON events on stdout')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'fastio;verify' {
            [CompletionResult]::new('--receipt', '--receipt', [CompletionResultType]::ParameterName, 'Check every file of this receipt (written by `upload --receipt`)')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Remote folder the PATHs were uploaded to (as `upload --to`)')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Workspace id or name (with --receipt: each line''s own, unless given here)')
            [CompletionResult]::new('--workspace', '--workspace', [CompletionResultType]::ParameterName, 'Workspace id or name (with --receipt: each line''s own, unless given here)')
            [CompletionResult]::new('--share', '--share', [CompletionResultType]::ParameterName, 'A share (id or name) instead of a workspace: upload into it (its root and folders, as for a workspace)')
            [CompletionResult]::new('--share-password', '--share-password', [CompletionResultType]::ParameterName, 'The share''s password (also FASTIO_SHARE_PASSWORD), sent as `x-ve-password`; never shown')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'CI-native output: annotations and a step summary in GitHub Actions')
            [CompletionResult]::new('--api-base', '--api-base', [CompletionResultType]::ParameterName, 'API base URL [default: https://api.fast.io/current]')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Access token or API key to use (see the credential order in --help)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Credential and settings profile')
            [CompletionResult]::new('--progress', '--progress', [CompletionResultType]::ParameterName, 'How to show progress on stderr')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'Append a log to FILE: each HTTP request and each file''s outcome (the -vv level, or more with -vvv or RUST_LOG), whatever stderr shows')
            [CompletionResult]::new('--stall-timeout', '--stall-timeout', [CompletionResultType]::ParameterName, 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")')
            [CompletionResult]::new('--max-wait', '--max-wait', [CompletionResultType]::ParameterName, 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)')
            [CompletionResult]::new('--bwlimit', '--bwlimit', [CompletionResultType]::ParameterName, 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)')
            [CompletionResult]::new('--partial', '--partial', [CompletionResultType]::ParameterName, 'Accept a receipt whose run did not finish (no summary line) or that records no files, and check what it records')
            [CompletionResult]::new('--extra', '--extra', [CompletionResultType]::ParameterName, 'Also report remote files that have no local counterpart')
            [CompletionResult]::new('-L', '-L ', [CompletionResultType]::ParameterName, 'Follow symbolic links in the local tree')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow symbolic links in the local tree')
            [CompletionResult]::new('--emulator', '--emulator', [CompletionResultType]::ParameterName, 'Run against a local emulator started inside this process (no account needed)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: NDJSON events on stdout')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'fastio;import-url' {
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Workspace id or name')
            [CompletionResult]::new('--workspace', '--workspace', [CompletionResultType]::ParameterName, 'Workspace id or name')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Remote folder path under the workspace root (created as needed)')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'File name for the imported file (only with a single URL)')
            [CompletionResult]::new('--urls-from', '--urls-from', [CompletionResultType]::ParameterName, 'Read URLs from FILE, one per line (`-` for stdin; `#` starts a comment)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Import jobs submitted or polled at once (1 to 64)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Import jobs submitted or polled at once (1 to 64)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting for one import after this many seconds (1 to 86400)')
            [CompletionResult]::new('--api-base', '--api-base', [CompletionResultType]::ParameterName, 'API base URL [default: https://api.fast.io/current]')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Access token or API key to use (see the credential order in --help)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Credential and settings profile')
            [CompletionResult]::new('--progress', '--progress', [CompletionResultType]::ParameterName, 'How to show progress on stderr')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'Append a log to FILE: each HTTP request and each file''s outcome (the -vv level, or more with -vvv or RUST_LOG), whatever stderr shows')
            [CompletionResult]::new('--stall-timeout', '--stall-timeout', [CompletionResultType]::ParameterName, 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")')
            [CompletionResult]::new('--max-wait', '--max-wait', [CompletionResultType]::ParameterName, 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)')
            [CompletionResult]::new('--bwlimit', '--bwlimit', [CompletionResultType]::ParameterName, 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Report once submitted, without waiting for the imports to finish')
            [CompletionResult]::new('--emulator', '--emulator', [CompletionResultType]::ParameterName, 'Run against a local emulator started inside this process (no account needed)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: NDJSON events on stdout')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'fastio;lock' {
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Workspace id or name')
            [CompletionResult]::new('--workspace', '--workspace', [CompletionResultType]::ParameterName, 'Workspace id or name')
            [CompletionResult]::new('--api-base', '--api-base', [CompletionResultType]::ParameterName, 'API base URL [default: https://api.fast.io/current]')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Access token or API key to use (see the credential order in --help)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Credential and settings profile')
            [CompletionResult]::new('--progress', '--progress', [CompletionResultType]::ParameterName, 'How to show progress on stderr')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'Append a log to FILE: each HTTP request and each file''s outcome (the -vv level, or more with -vvv or RUST_LOG), whatever stderr shows')
            [CompletionResult]::new('--stall-timeout', '--stall-timeout', [CompletionResultType]::ParameterName, 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")')
            [CompletionResult]::new('--max-wait', '--max-wait', [CompletionResultType]::ParameterName, 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)')
            [CompletionResult]::new('--bwlimit', '--bwlimit', [CompletionResultType]::ParameterName, 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)')
            [CompletionResult]::new('--emulator', '--emulator', [CompletionResultType]::ParameterName, 'Run against a local emulator started inside this process (no account needed)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: NDJSON events on stdout')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('acquire', 'acquire', [CompletionResultType]::ParameterValue, 'Take a lock and print its token alone on stdout')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show whether a node is locked, by whom and until when')
            [CompletionResult]::new('heartbeat', 'heartbeat', [CompletionResultType]::ParameterValue, 'Extend a lock you hold')
            [CompletionResult]::new('release', 'release', [CompletionResultType]::ParameterValue, 'Release a lock you hold')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Hold a lock while COMMAND runs, then release it whatever happens')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'fastio;lock;acquire' {
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Lock duration in seconds (60-3600)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'If another client holds the lock, keep trying for up to this many seconds (0 to 86400; 0: try once)')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Workspace id or name')
            [CompletionResult]::new('--workspace', '--workspace', [CompletionResultType]::ParameterName, 'Workspace id or name')
            [CompletionResult]::new('--api-base', '--api-base', [CompletionResultType]::ParameterName, 'API base URL [default: https://api.fast.io/current]')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Access token or API key to use (see the credential order in --help)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Credential and settings profile')
            [CompletionResult]::new('--progress', '--progress', [CompletionResultType]::ParameterName, 'How to show progress on stderr')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'Append a log to FILE: each HTTP request and each file''s outcome (the -vv level, or more with -vvv or RUST_LOG), whatever stderr shows')
            [CompletionResult]::new('--stall-timeout', '--stall-timeout', [CompletionResultType]::ParameterName, 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")')
            [CompletionResult]::new('--max-wait', '--max-wait', [CompletionResultType]::ParameterName, 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)')
            [CompletionResult]::new('--bwlimit', '--bwlimit', [CompletionResultType]::ParameterName, 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)')
            [CompletionResult]::new('--emulator', '--emulator', [CompletionResultType]::ParameterName, 'Run against a local emulator started inside this process (no account needed)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: NDJSON events on stdout')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'fastio;lock;status' {
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Workspace id or name')
            [CompletionResult]::new('--workspace', '--workspace', [CompletionResultType]::ParameterName, 'Workspace id or name')
            [CompletionResult]::new('--api-base', '--api-base', [CompletionResultType]::ParameterName, 'API base URL [default: https://api.fast.io/current]')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Access token or API key to use (see the credential order in --help)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Credential and settings profile')
            [CompletionResult]::new('--progress', '--progress', [CompletionResultType]::ParameterName, 'How to show progress on stderr')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'Append a log to FILE: each HTTP request and each file''s outcome (the -vv level, or more with -vvv or RUST_LOG), whatever stderr shows')
            [CompletionResult]::new('--stall-timeout', '--stall-timeout', [CompletionResultType]::ParameterName, 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")')
            [CompletionResult]::new('--max-wait', '--max-wait', [CompletionResultType]::ParameterName, 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)')
            [CompletionResult]::new('--bwlimit', '--bwlimit', [CompletionResultType]::ParameterName, 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)')
            [CompletionResult]::new('--emulator', '--emulator', [CompletionResultType]::ParameterName, 'Run against a local emulator started inside this process (no account needed)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: NDJSON events on stdout')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'fastio;lock;heartbeat' {
            [CompletionResult]::new('--lock-token', '--lock-token', [CompletionResultType]::ParameterName, 'The lock token printed by `lock acquire` (`--token` is the global credential flag)')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Workspace id or name')
            [CompletionResult]::new('--workspace', '--workspace', [CompletionResultType]::ParameterName, 'Workspace id or name')
            [CompletionResult]::new('--api-base', '--api-base', [CompletionResultType]::ParameterName, 'API base URL [default: https://api.fast.io/current]')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Access token or API key to use (see the credential order in --help)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Credential and settings profile')
            [CompletionResult]::new('--progress', '--progress', [CompletionResultType]::ParameterName, 'How to show progress on stderr')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'Append a log to FILE: each HTTP request and each file''s outcome (the -vv level, or more with -vvv or RUST_LOG), whatever stderr shows')
            [CompletionResult]::new('--stall-timeout', '--stall-timeout', [CompletionResultType]::ParameterName, 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")')
            [CompletionResult]::new('--max-wait', '--max-wait', [CompletionResultType]::ParameterName, 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)')
            [CompletionResult]::new('--bwlimit', '--bwlimit', [CompletionResultType]::ParameterName, 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)')
            [CompletionResult]::new('--emulator', '--emulator', [CompletionResultType]::ParameterName, 'Run against a local emulator started inside this process (no account needed)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: NDJSON events on stdout')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'fastio;lock;release' {
            [CompletionResult]::new('--lock-token', '--lock-token', [CompletionResultType]::ParameterName, 'The lock token printed by `lock acquire` (`--token` is the global credential flag)')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Workspace id or name')
            [CompletionResult]::new('--workspace', '--workspace', [CompletionResultType]::ParameterName, 'Workspace id or name')
            [CompletionResult]::new('--api-base', '--api-base', [CompletionResultType]::ParameterName, 'API base URL [default: https://api.fast.io/current]')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Access token or API key to use (see the credential order in --help)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Credential and settings profile')
            [CompletionResult]::new('--progress', '--progress', [CompletionResultType]::ParameterName, 'How to show progress on stderr')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'Append a log to FILE: each HTTP request and each file''s outcome (the -vv level, or more with -vvv or RUST_LOG), whatever stderr shows')
            [CompletionResult]::new('--stall-timeout', '--stall-timeout', [CompletionResultType]::ParameterName, 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")')
            [CompletionResult]::new('--max-wait', '--max-wait', [CompletionResultType]::ParameterName, 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)')
            [CompletionResult]::new('--bwlimit', '--bwlimit', [CompletionResultType]::ParameterName, 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)')
            [CompletionResult]::new('--emulator', '--emulator', [CompletionResultType]::ParameterName, 'Run against a local emulator started inside this process (no account needed)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: NDJSON events on stdout')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'fastio;lock;run' {
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Lock duration in seconds (60-3600); a heartbeat extends it while COMMAND runs')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'If another client holds the lock, keep trying for up to this many seconds (0 to 86400; 0: try once)')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Workspace id or name')
            [CompletionResult]::new('--workspace', '--workspace', [CompletionResultType]::ParameterName, 'Workspace id or name')
            [CompletionResult]::new('--api-base', '--api-base', [CompletionResultType]::ParameterName, 'API base URL [default: https://api.fast.io/current]')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Access token or API key to use (see the credential order in --help)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Credential and settings profile')
            [CompletionResult]::new('--progress', '--progress', [CompletionResultType]::ParameterName, 'How to show progress on stderr')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'Append a log to FILE: each HTTP request and each file''s outcome (the -vv level, or more with -vvv or RUST_LOG), whatever stderr shows')
            [CompletionResult]::new('--stall-timeout', '--stall-timeout', [CompletionResultType]::ParameterName, 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")')
            [CompletionResult]::new('--max-wait', '--max-wait', [CompletionResultType]::ParameterName, 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)')
            [CompletionResult]::new('--bwlimit', '--bwlimit', [CompletionResultType]::ParameterName, 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)')
            [CompletionResult]::new('--emulator', '--emulator', [CompletionResultType]::ParameterName, 'Run against a local emulator started inside this process (no account needed)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: NDJSON events on stdout')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'fastio;lock;help' {
            [CompletionResult]::new('acquire', 'acquire', [CompletionResultType]::ParameterValue, 'Take a lock and print its token alone on stdout')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show whether a node is locked, by whom and until when')
            [CompletionResult]::new('heartbeat', 'heartbeat', [CompletionResultType]::ParameterValue, 'Extend a lock you hold')
            [CompletionResult]::new('release', 'release', [CompletionResultType]::ParameterValue, 'Release a lock you hold')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Hold a lock while COMMAND runs, then release it whatever happens')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'fastio;lock;help;acquire' {
            break
        }
        'fastio;lock;help;status' {
            break
        }
        'fastio;lock;help;heartbeat' {
            break
        }
        'fastio;lock;help;release' {
            break
        }
        'fastio;lock;help;run' {
            break
        }
        'fastio;lock;help;help' {
            break
        }
        'fastio;ask' {
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Workspace id or name')
            [CompletionResult]::new('--workspace', '--workspace', [CompletionResultType]::ParameterName, 'Workspace id or name')
            [CompletionResult]::new('--folder', '--folder', [CompletionResultType]::ParameterName, 'Ground the answer in this remote folder (repeatable)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Attach this remote file (repeatable)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting for the answer after this many seconds (1 to 86400)')
            [CompletionResult]::new('--api-base', '--api-base', [CompletionResultType]::ParameterName, 'API base URL [default: https://api.fast.io/current]')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Access token or API key to use (see the credential order in --help)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Credential and settings profile')
            [CompletionResult]::new('--progress', '--progress', [CompletionResultType]::ParameterName, 'How to show progress on stderr')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'Append a log to FILE: each HTTP request and each file''s outcome (the -vv level, or more with -vvv or RUST_LOG), whatever stderr shows')
            [CompletionResult]::new('--stall-timeout', '--stall-timeout', [CompletionResultType]::ParameterName, 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")')
            [CompletionResult]::new('--max-wait', '--max-wait', [CompletionResultType]::ParameterName, 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)')
            [CompletionResult]::new('--bwlimit', '--bwlimit', [CompletionResultType]::ParameterName, 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)')
            [CompletionResult]::new('--wait-indexed', '--wait-indexed', [CompletionResultType]::ParameterName, 'Wait until the referenced files are indexed before asking')
            [CompletionResult]::new('--enable-intelligence', '--enable-intelligence', [CompletionResultType]::ParameterName, 'Turn on workspace intelligence first (costs credits; files already there get indexed)')
            [CompletionResult]::new('--emulator', '--emulator', [CompletionResultType]::ParameterName, 'Run against a local emulator started inside this process (no account needed)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: NDJSON events on stdout')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'fastio;doctor' {
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Workspace id or name')
            [CompletionResult]::new('--workspace', '--workspace', [CompletionResultType]::ParameterName, 'Workspace id or name')
            [CompletionResult]::new('--import-url', '--import-url', [CompletionResultType]::ParameterName, 'The file URL the import check asks the server to fetch [default: a file served on loopback when the API is on loopback]')
            [CompletionResult]::new('--assembly-timeout', '--assembly-timeout', [CompletionResultType]::ParameterName, 'Fail the upload checks when a session is not stored this long after its last chunk (1s to 7d)')
            [CompletionResult]::new('--api-base', '--api-base', [CompletionResultType]::ParameterName, 'API base URL [default: https://api.fast.io/current]')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Access token or API key to use (see the credential order in --help)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Credential and settings profile')
            [CompletionResult]::new('--progress', '--progress', [CompletionResultType]::ParameterName, 'How to show progress on stderr')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'Append a log to FILE: each HTTP request and each file''s outcome (the -vv level, or more with -vvv or RUST_LOG), whatever stderr shows')
            [CompletionResult]::new('--stall-timeout', '--stall-timeout', [CompletionResultType]::ParameterName, 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")')
            [CompletionResult]::new('--max-wait', '--max-wait', [CompletionResultType]::ParameterName, 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)')
            [CompletionResult]::new('--bwlimit', '--bwlimit', [CompletionResultType]::ParameterName, 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'Skip every check that writes (no scratch folder)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Also check URL import and AI questions (the AI check may cost credits)')
            [CompletionResult]::new('--emulator', '--emulator', [CompletionResultType]::ParameterName, 'Run against a local emulator started inside this process (no account needed)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: NDJSON events on stdout')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'fastio;bench' {
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Workspace id or name')
            [CompletionResult]::new('--workspace', '--workspace', [CompletionResultType]::ParameterName, 'Workspace id or name')
            [CompletionResult]::new('--preset', '--preset', [CompletionResultType]::ParameterName, 'A named set of files (ignored with --size or --files)')
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'Size of every file (e.g. 4KiB, 5MiB, 1GiB) [default with --files: 1MiB]')
            [CompletionResult]::new('--files', '--files', [CompletionResultType]::ParameterName, 'Number of files per step (1 to 1000000) [default with --size: 1]')
            [CompletionResult]::new('--folders', '--folders', [CompletionResultType]::ParameterName, 'Spread the files over this many folders, ten to a parent (d00/s0 ... d19/s9 for 200) [default: the preset''s; 1 with --size or --files]')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'The --concurrency values to try, in order (comma-separated, each 1 to 256) [default: 1,2,4,8,16,32]')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'The --concurrency values to try, in order (comma-separated, each 1 to 256) [default: 1,2,4,8,16,32]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries per request for 5xx, timeouts and connection errors (0 to 100)')
            [CompletionResult]::new('--assembly-timeout', '--assembly-timeout', [CompletionResultType]::ParameterName, 'Fail a file whose upload session is not stored this long after its last chunk (1s to 7d)')
            [CompletionResult]::new('--api-base', '--api-base', [CompletionResultType]::ParameterName, 'API base URL [default: https://api.fast.io/current]')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Access token or API key to use (see the credential order in --help)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Credential and settings profile')
            [CompletionResult]::new('--progress', '--progress', [CompletionResultType]::ParameterName, 'How to show progress on stderr')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'Append a log to FILE: each HTTP request and each file''s outcome (the -vv level, or more with -vvv or RUST_LOG), whatever stderr shows')
            [CompletionResult]::new('--stall-timeout', '--stall-timeout', [CompletionResultType]::ParameterName, 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")')
            [CompletionResult]::new('--max-wait', '--max-wait', [CompletionResultType]::ParameterName, 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)')
            [CompletionResult]::new('--bwlimit', '--bwlimit', [CompletionResultType]::ParameterName, 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)')
            [CompletionResult]::new('--emulator', '--emulator', [CompletionResultType]::ParameterName, 'Run against a local emulator started inside this process (no account needed)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: NDJSON events on stdout')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'fastio;emulator' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address to listen on (loopback unless another address is named explicitly; port 0 = any free port)')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key to accept (repeatable; one is generated when none is given)')
            [CompletionResult]::new('--workspace', '--workspace', [CompletionResultType]::ParameterName, 'Workspace to create (repeatable; the folder_name; default `default`)')
            [CompletionResult]::new('--share', '--share', [CompletionResultType]::ParameterName, 'A share to create, NAME or NAME:PASSWORD (repeatable): backed by the folder NAME at the first workspace''s root; uploads take `--share NAME`')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Where files and metadata are kept [default: the XDG data dir]')
            [CompletionResult]::new('--chunk-size', '--chunk-size', [CompletionResultType]::ParameterName, 'Largest chunk accepted, reported by /upload/limits/ (e.g. 100MB, 2MiB)')
            [CompletionResult]::new('--max-chunks', '--max-chunks', [CompletionResultType]::ParameterName, 'Most chunks per upload session (1 to 100000)')
            [CompletionResult]::new('--max-file-size', '--max-file-size', [CompletionResultType]::ParameterName, 'Largest file accepted (e.g. 40GB)')
            [CompletionResult]::new('--max-sessions', '--max-sessions', [CompletionResultType]::ParameterName, 'Most open upload sessions per user (1 to 1000000)')
            [CompletionResult]::new('--assembly-delay-ms', '--assembly-delay-ms', [CompletionResultType]::ParameterName, 'Time spent in each state between /complete/ and stored (assemble ... storing; 0 to 3600000)')
            [CompletionResult]::new('--fail-assembly-rate', '--fail-assembly-rate', [CompletionResultType]::ParameterName, 'Fraction of completed chunked uploads that end in assembly_failed or store_failed')
            [CompletionResult]::new('--rate-limit', '--rate-limit', [CompletionResultType]::ParameterName, 'Requests per second allowed per token (0 = unlimited; at most 1000000)')
            [CompletionResult]::new('--burst', '--burst', [CompletionResultType]::ParameterName, 'Burst size of the rate limiter (1 to 1000000) [default: the rate, at least 1]')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed for the injected faults (--fail-rate, --reset-rate, --fail-assembly-rate)')
            [CompletionResult]::new('--latency-ms', '--latency-ms', [CompletionResultType]::ParameterName, 'Added latency per request, in milliseconds (= --latency; 0 to 600000)')
            [CompletionResult]::new('--latency', '--latency', [CompletionResultType]::ParameterName, 'Added latency per request, as a duration (e.g. 100ms, 1s): an internet round trip')
            [CompletionResult]::new('--fail-rate', '--fail-rate', [CompletionResultType]::ParameterName, 'Fraction of requests answered with a random 502/503/504')
            [CompletionResult]::new('--reset-rate', '--reset-rate', [CompletionResultType]::ParameterName, 'Fraction of requests whose connection is dropped mid-request')
            [CompletionResult]::new('--bandwidth-per-conn', '--bandwidth-per-conn', [CompletionResultType]::ParameterName, 'Throttle reading request bodies per connection (e.g. 50MB = 50 MB/s)')
            [CompletionResult]::new('--token-ttl', '--token-ttl', [CompletionResultType]::ParameterName, 'Lifetime of OAuth access tokens (1 to 31536000)')
            [CompletionResult]::new('--answer-delay-ms', '--answer-delay-ms', [CompletionResultType]::ParameterName, 'Delay before an AI answer is complete (0 to 3600000)')
            [CompletionResult]::new('--variant', '--variant', [CompletionResultType]::ParameterName, 'Switch on an alternative server behaviour (repeatable); `list` prints them all')
            [CompletionResult]::new('--fault-route', '--fault-route', [CompletionResultType]::ParameterName, 'Answer METHOD /path (`*` = one segment) with STATUS and an error envelope (repeatable)')
            [CompletionResult]::new('--fault-relative-path', '--fault-relative-path', [CompletionResultType]::ParameterName, 'Refuse batch entries whose relative_path contains TEXT, that entry alone (repeatable)')
            [CompletionResult]::new('--api-base', '--api-base', [CompletionResultType]::ParameterName, 'API base URL [default: https://api.fast.io/current]')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Access token or API key to use (see the credential order in --help)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Credential and settings profile')
            [CompletionResult]::new('--progress', '--progress', [CompletionResultType]::ParameterName, 'How to show progress on stderr')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'Append a log to FILE: each HTTP request and each file''s outcome (the -vv level, or more with -vvv or RUST_LOG), whatever stderr shows')
            [CompletionResult]::new('--stall-timeout', '--stall-timeout', [CompletionResultType]::ParameterName, 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")')
            [CompletionResult]::new('--max-wait', '--max-wait', [CompletionResultType]::ParameterName, 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)')
            [CompletionResult]::new('--bwlimit', '--bwlimit', [CompletionResultType]::ParameterName, 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)')
            [CompletionResult]::new('--omit-new-file-ids', '--omit-new-file-ids', [CompletionResultType]::ParameterName, 'Leave new_file_id out of single-call answers and send node_id null in batch results (clients must poll the session or list the folder, as the service allows; = --variant omit-new-file-ids)')
            [CompletionResult]::new('--intelligence', '--intelligence', [CompletionResultType]::ParameterName, 'Turn workspace intelligence (AI indexing) on for the created workspaces')
            [CompletionResult]::new('--allow-private-urls', '--allow-private-urls', [CompletionResultType]::ParameterName, 'Let URL imports fetch private and loopback addresses (for tests)')
            [CompletionResult]::new('--flip-envelopes', '--flip-envelopes', [CompletionResultType]::ParameterName, 'Emit the alternative envelope shapes (flat where nested is canonical and vice versa; = --variant flip-envelopes)')
            [CompletionResult]::new('--legacy-rate-headers', '--legacy-rate-headers', [CompletionResultType]::ParameterName, 'Send the legacy X-Rate-Limit-* header names (= --variant legacy-rate-headers)')
            [CompletionResult]::new('--datetime-expiry', '--datetime-expiry', [CompletionResultType]::ParameterName, 'Send the rate-limit expiry as a UTC datetime instead of epoch seconds (= --variant datetime-expiry)')
            [CompletionResult]::new('--validation-400', '--validation-400', [CompletionResultType]::ParameterName, 'Answer validation errors with HTTP 400 instead of 406 (= --variant validation-400)')
            [CompletionResult]::new('--auto-approve', '--auto-approve', [CompletionResultType]::ParameterName, 'Approve OAuth consent requests without asking for the emulator''s API key')
            [CompletionResult]::new('--log-requests', '--log-requests', [CompletionResultType]::ParameterName, 'Log every request (method, path, status, time) to stderr')
            [CompletionResult]::new('--emulator', '--emulator', [CompletionResultType]::ParameterName, 'Run against a local emulator started inside this process (no account needed)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: NDJSON events on stdout')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'fastio;completions' {
            [CompletionResult]::new('--api-base', '--api-base', [CompletionResultType]::ParameterName, 'API base URL [default: https://api.fast.io/current]')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Access token or API key to use (see the credential order in --help)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Credential and settings profile')
            [CompletionResult]::new('--progress', '--progress', [CompletionResultType]::ParameterName, 'How to show progress on stderr')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'Append a log to FILE: each HTTP request and each file''s outcome (the -vv level, or more with -vvv or RUST_LOG), whatever stderr shows')
            [CompletionResult]::new('--stall-timeout', '--stall-timeout', [CompletionResultType]::ParameterName, 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")')
            [CompletionResult]::new('--max-wait', '--max-wait', [CompletionResultType]::ParameterName, 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)')
            [CompletionResult]::new('--bwlimit', '--bwlimit', [CompletionResultType]::ParameterName, 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)')
            [CompletionResult]::new('--emulator', '--emulator', [CompletionResultType]::ParameterName, 'Run against a local emulator started inside this process (no account needed)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: NDJSON events on stdout')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'fastio;help' {
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Store credentials for a profile: browser login (OAuth) or an API key')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Remove a profile''s stored credentials and revoke its OAuth session')
            [CompletionResult]::new('whoami', 'whoami', [CompletionResultType]::ParameterValue, 'Show which credential is in use and who it belongs to')
            [CompletionResult]::new('upload', 'upload', [CompletionResultType]::ParameterValue, 'Upload files and folder trees, concurrently and resumably')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List remote folders (and the workspaces you can use)')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check that what a receipt (or a local tree) says was stored is on the server')
            [CompletionResult]::new('import-url', 'import-url', [CompletionResultType]::ParameterValue, 'Import files from URLs on the server side')
            [CompletionResult]::new('lock', 'lock', [CompletionResultType]::ParameterValue, 'File and folder locks for coordinating several writers')
            [CompletionResult]::new('ask', 'ask', [CompletionResultType]::ParameterValue, 'Ask a question about workspace files; the answer comes with citations')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check that every call this tool relies on works with your account and server')
            [CompletionResult]::new('bench', 'bench', [CompletionResultType]::ParameterValue, 'Measure upload speed with generated data and find the best --concurrency')
            [CompletionResult]::new('emulator', 'emulator', [CompletionResultType]::ParameterValue, 'Run a local Fast.io-compatible API server')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script to stdout')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'fastio;help;login' {
            break
        }
        'fastio;help;logout' {
            break
        }
        'fastio;help;whoami' {
            break
        }
        'fastio;help;upload' {
            break
        }
        'fastio;help;ls' {
            break
        }
        'fastio;help;verify' {
            break
        }
        'fastio;help;import-url' {
            break
        }
        'fastio;help;lock' {
            [CompletionResult]::new('acquire', 'acquire', [CompletionResultType]::ParameterValue, 'Take a lock and print its token alone on stdout')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show whether a node is locked, by whom and until when')
            [CompletionResult]::new('heartbeat', 'heartbeat', [CompletionResultType]::ParameterValue, 'Extend a lock you hold')
            [CompletionResult]::new('release', 'release', [CompletionResultType]::ParameterValue, 'Release a lock you hold')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Hold a lock while COMMAND runs, then release it whatever happens')
            break
        }
        'fastio;help;lock;acquire' {
            break
        }
        'fastio;help;lock;status' {
            break
        }
        'fastio;help;lock;heartbeat' {
            break
        }
        'fastio;help;lock;release' {
            break
        }
        'fastio;help;lock;run' {
            break
        }
        'fastio;help;ask' {
            break
        }
        'fastio;help;doctor' {
            break
        }
        'fastio;help;bench' {
            break
        }
        'fastio;help;emulator' {
            break
        }
        'fastio;help;completions' {
            break
        }
        'fastio;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
