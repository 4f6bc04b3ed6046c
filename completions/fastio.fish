# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_fastio_global_optspecs
    string join \n api-base= token= profile= emulator json progress= v/verbose log-file= q/quiet stall-timeout= max-wait= bwlimit= h/help V/version
end

function __fish_fastio_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_fastio_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_fastio_using_subcommand
    set -l cmd (__fish_fastio_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c fastio -n "__fish_fastio_needs_command" -l api-base -d 'API base URL [default: https://api.fast.io/current]' -r
complete -c fastio -n "__fish_fastio_needs_command" -l token -d 'Access token or API key to use (see the credential order in --help)' -r
complete -c fastio -n "__fish_fastio_needs_command" -l profile -d 'Credential and settings profile' -r
complete -c fastio -n "__fish_fastio_needs_command" -l progress -d 'How to show progress on stderr' -r -f -a "auto\t'Bars on a terminal, plain status lines otherwise'
bars\t'Always draw bars'
plain\t'Plain status lines (at most one every 10 s), one line per failure'
none\t'No progress output'"
complete -c fastio -n "__fish_fastio_needs_command" -l log-file -d 'Append a log to FILE: each HTTP request and each file\'s outcome (the -vv level, or more with -vvv or RUST_LOG), whatever stderr shows' -r -F
complete -c fastio -n "__fish_fastio_needs_command" -l stall-timeout -d 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")' -r
complete -c fastio -n "__fish_fastio_needs_command" -l max-wait -d 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)' -r
complete -c fastio -n "__fish_fastio_needs_command" -l bwlimit -d 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)' -r
complete -c fastio -n "__fish_fastio_needs_command" -l emulator -d 'Run against a local emulator started inside this process (no account needed)'
complete -c fastio -n "__fish_fastio_needs_command" -l json -d 'Machine-readable output: NDJSON events on stdout'
complete -c fastio -n "__fish_fastio_needs_command" -s v -l verbose -d 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)'
complete -c fastio -n "__fish_fastio_needs_command" -s q -l quiet -d 'Only errors on stderr'
complete -c fastio -n "__fish_fastio_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fastio -n "__fish_fastio_needs_command" -s V -l version -d 'Print version'
complete -c fastio -n "__fish_fastio_needs_command" -f -a "login" -d 'Store credentials for a profile: browser login (OAuth) or an API key'
complete -c fastio -n "__fish_fastio_needs_command" -f -a "logout" -d 'Remove a profile\'s stored credentials and revoke its OAuth session'
complete -c fastio -n "__fish_fastio_needs_command" -f -a "whoami" -d 'Show which credential is in use and who it belongs to'
complete -c fastio -n "__fish_fastio_needs_command" -f -a "upload" -d 'Upload files and folder trees, concurrently and resumably'
complete -c fastio -n "__fish_fastio_needs_command" -f -a "ls" -d 'List remote folders (and the workspaces you can use)'
complete -c fastio -n "__fish_fastio_needs_command" -f -a "verify" -d 'Check that what a receipt (or a local tree) says was stored is on the server'
complete -c fastio -n "__fish_fastio_needs_command" -f -a "import-url" -d 'Import files from URLs on the server side'
complete -c fastio -n "__fish_fastio_needs_command" -f -a "lock" -d 'File and folder locks for coordinating several writers'
complete -c fastio -n "__fish_fastio_needs_command" -f -a "ask" -d 'Ask a question about workspace files; the answer comes with citations'
complete -c fastio -n "__fish_fastio_needs_command" -f -a "doctor" -d 'Check that every call this tool relies on works with your account and server'
complete -c fastio -n "__fish_fastio_needs_command" -f -a "bench" -d 'Measure upload speed with generated data and find the best --concurrency'
complete -c fastio -n "__fish_fastio_needs_command" -f -a "emulator" -d 'Run a local Fast.io-compatible API server'
complete -c fastio -n "__fish_fastio_needs_command" -f -a "completions" -d 'Print a shell completion script to stdout'
complete -c fastio -n "__fish_fastio_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c fastio -n "__fish_fastio_using_subcommand login" -l client-id -d 'OAuth client id' -r
complete -c fastio -n "__fish_fastio_using_subcommand login" -l redirect-uri -d 'OAuth redirect URI (a listener on 127.0.0.1 is bound to its port; 0 = any free port)' -r
complete -c fastio -n "__fish_fastio_using_subcommand login" -l timeout -d 'Give up waiting for the browser after this many seconds (1 to 3600)' -r
complete -c fastio -n "__fish_fastio_using_subcommand login" -l workspace -d 'Default workspace (id or name) to remember for this profile' -r
complete -c fastio -n "__fish_fastio_using_subcommand login" -l api-base -d 'API base URL [default: https://api.fast.io/current]' -r
complete -c fastio -n "__fish_fastio_using_subcommand login" -l token -d 'Access token or API key to use (see the credential order in --help)' -r
complete -c fastio -n "__fish_fastio_using_subcommand login" -l profile -d 'Credential and settings profile' -r
complete -c fastio -n "__fish_fastio_using_subcommand login" -l progress -d 'How to show progress on stderr' -r -f -a "auto\t'Bars on a terminal, plain status lines otherwise'
bars\t'Always draw bars'
plain\t'Plain status lines (at most one every 10 s), one line per failure'
none\t'No progress output'"
complete -c fastio -n "__fish_fastio_using_subcommand login" -l log-file -d 'Append a log to FILE: each HTTP request and each file\'s outcome (the -vv level, or more with -vvv or RUST_LOG), whatever stderr shows' -r -F
complete -c fastio -n "__fish_fastio_using_subcommand login" -l stall-timeout -d 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")' -r
complete -c fastio -n "__fish_fastio_using_subcommand login" -l max-wait -d 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)' -r
complete -c fastio -n "__fish_fastio_using_subcommand login" -l bwlimit -d 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)' -r
complete -c fastio -n "__fish_fastio_using_subcommand login" -l api-key -d 'Store an API key instead of logging in through the browser'
complete -c fastio -n "__fish_fastio_using_subcommand login" -l no-browser -d 'Do not open a browser: print the URL and read the displayed code pasted back'
complete -c fastio -n "__fish_fastio_using_subcommand login" -l emulator -d 'Run against a local emulator started inside this process (no account needed)'
complete -c fastio -n "__fish_fastio_using_subcommand login" -l json -d 'Machine-readable output: NDJSON events on stdout'
complete -c fastio -n "__fish_fastio_using_subcommand login" -s v -l verbose -d 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)'
complete -c fastio -n "__fish_fastio_using_subcommand login" -s q -l quiet -d 'Only errors on stderr'
complete -c fastio -n "__fish_fastio_using_subcommand login" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fastio -n "__fish_fastio_using_subcommand logout" -l api-base -d 'API base URL [default: https://api.fast.io/current]' -r
complete -c fastio -n "__fish_fastio_using_subcommand logout" -l token -d 'Access token or API key to use (see the credential order in --help)' -r
complete -c fastio -n "__fish_fastio_using_subcommand logout" -l profile -d 'Credential and settings profile' -r
complete -c fastio -n "__fish_fastio_using_subcommand logout" -l progress -d 'How to show progress on stderr' -r -f -a "auto\t'Bars on a terminal, plain status lines otherwise'
bars\t'Always draw bars'
plain\t'Plain status lines (at most one every 10 s), one line per failure'
none\t'No progress output'"
complete -c fastio -n "__fish_fastio_using_subcommand logout" -l log-file -d 'Append a log to FILE: each HTTP request and each file\'s outcome (the -vv level, or more with -vvv or RUST_LOG), whatever stderr shows' -r -F
complete -c fastio -n "__fish_fastio_using_subcommand logout" -l stall-timeout -d 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")' -r
complete -c fastio -n "__fish_fastio_using_subcommand logout" -l max-wait -d 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)' -r
complete -c fastio -n "__fish_fastio_using_subcommand logout" -l bwlimit -d 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)' -r
complete -c fastio -n "__fish_fastio_using_subcommand logout" -l emulator -d 'Run against a local emulator started inside this process (no account needed)'
complete -c fastio -n "__fish_fastio_using_subcommand logout" -l json -d 'Machine-readable output: NDJSON events on stdout'
complete -c fastio -n "__fish_fastio_using_subcommand logout" -s v -l verbose -d 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)'
complete -c fastio -n "__fish_fastio_using_subcommand logout" -s q -l quiet -d 'Only errors on stderr'
complete -c fastio -n "__fish_fastio_using_subcommand logout" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fastio -n "__fish_fastio_using_subcommand whoami" -l api-base -d 'API base URL [default: https://api.fast.io/current]' -r
complete -c fastio -n "__fish_fastio_using_subcommand whoami" -l token -d 'Access token or API key to use (see the credential order in --help)' -r
complete -c fastio -n "__fish_fastio_using_subcommand whoami" -l profile -d 'Credential and settings profile' -r
complete -c fastio -n "__fish_fastio_using_subcommand whoami" -l progress -d 'How to show progress on stderr' -r -f -a "auto\t'Bars on a terminal, plain status lines otherwise'
bars\t'Always draw bars'
plain\t'Plain status lines (at most one every 10 s), one line per failure'
none\t'No progress output'"
complete -c fastio -n "__fish_fastio_using_subcommand whoami" -l log-file -d 'Append a log to FILE: each HTTP request and each file\'s outcome (the -vv level, or more with -vvv or RUST_LOG), whatever stderr shows' -r -F
complete -c fastio -n "__fish_fastio_using_subcommand whoami" -l stall-timeout -d 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")' -r
complete -c fastio -n "__fish_fastio_using_subcommand whoami" -l max-wait -d 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)' -r
complete -c fastio -n "__fish_fastio_using_subcommand whoami" -l bwlimit -d 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)' -r
complete -c fastio -n "__fish_fastio_using_subcommand whoami" -l emulator -d 'Run against a local emulator started inside this process (no account needed)'
complete -c fastio -n "__fish_fastio_using_subcommand whoami" -l json -d 'Machine-readable output: NDJSON events on stdout'
complete -c fastio -n "__fish_fastio_using_subcommand whoami" -s v -l verbose -d 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)'
complete -c fastio -n "__fish_fastio_using_subcommand whoami" -s q -l quiet -d 'Only errors on stderr'
complete -c fastio -n "__fish_fastio_using_subcommand whoami" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fastio -n "__fish_fastio_using_subcommand upload" -s w -l workspace -d 'Workspace id or name' -r
complete -c fastio -n "__fish_fastio_using_subcommand upload" -l share -d 'A share (id or name) instead of a workspace: upload into it (its root and folders, as for a workspace)' -r
complete -c fastio -n "__fish_fastio_using_subcommand upload" -l share-password -d 'The share\'s password (also FASTIO_SHARE_PASSWORD), sent as `x-ve-password`; never shown' -r
complete -c fastio -n "__fish_fastio_using_subcommand upload" -l to -d 'Remote folder path under the workspace root (created as needed)' -r
complete -c fastio -n "__fish_fastio_using_subcommand upload" -s j -l concurrency -d 'HTTP requests in flight at once, across all files (1 to 256)' -r
complete -c fastio -n "__fish_fastio_using_subcommand upload" -l files-from -d 'Read more paths from FILE, one per line (`-` for stdin)' -r -F
complete -c fastio -n "__fish_fastio_using_subcommand upload" -l include -d 'Only upload paths matching this glob (relative to the argument; `**` matches folders)' -r
complete -c fastio -n "__fish_fastio_using_subcommand upload" -l exclude -d 'Skip paths matching this glob (relative to the argument)' -r
complete -c fastio -n "__fish_fastio_using_subcommand upload" -l if-changed -d 'How to decide a remote file is identical and can be skipped' -r -f -a "auto\t'Skip a file unchanged since its last upload (size, mtime, remote version: not read); otherwise read it and skip only when its hash equals the remote twin\'s'
size\t'Skip a file whose remote twin has the same size (fast; misses same-size edits)'
hash\t'Skip a file only when its remote twin has the same size and hash (reads every such file)'"
complete -c fastio -n "__fish_fastio_using_subcommand upload" -l retries -d 'Retries per request for 5xx, stalls, timeouts and connection errors (0 to 100; 0: a request that fails so fails its file; 429s are waited out and are not retries)' -r
complete -c fastio -n "__fish_fastio_using_subcommand upload" -l assembly-timeout -d 'Fail a file whose upload session is not stored this long after its last chunk (1s to 7d)' -r
complete -c fastio -n "__fish_fastio_using_subcommand upload" -l settle -d 'With --watch: send a file once its size and modification time are unchanged this long' -r
complete -c fastio -n "__fish_fastio_using_subcommand upload" -l rescan -d 'With --watch: look at every file again this often, for changes no notification told of (network mounts); 0 = never' -r
complete -c fastio -n "__fish_fastio_using_subcommand upload" -l receipt -d 'Write a receipt: one JSON line per stored file (node id, size, SHA-256), as they finish' -r -F
complete -c fastio -n "__fish_fastio_using_subcommand upload" -l shard -d 'Upload only shard I of N of the files (1-based; a stable hash of each file\'s path); `auto` (or `auto/N`) reads I and N from the job runner' -r
complete -c fastio -n "__fish_fastio_using_subcommand upload" -l max-delete -d 'With --delete: delete nothing (exit 1) when more than N files and folders would go' -r
complete -c fastio -n "__fish_fastio_using_subcommand upload" -l name -d 'With `-` (standard input): the remote file name' -r
complete -c fastio -n "__fish_fastio_using_subcommand upload" -l max-size -d 'With `-`: refuse standard input longer than this (e.g. 10GB; at least 1 byte); also sent to the server' -r
complete -c fastio -n "__fish_fastio_using_subcommand upload" -l size -d 'With `-`: standard input\'s exact size, declared to the server as the stream\'s length (input of another size fails)' -r
complete -c fastio -n "__fish_fastio_using_subcommand upload" -l ci -d 'CI-native output: annotations, folded progress and a step summary in GitHub Actions' -r -f -a "auto\t'GitHub Actions output when GITHUB_ACTIONS=true, none otherwise'
github\t'GitHub Actions output (annotations, folded progress, step summary)'
none\t'No CI output'"
complete -c fastio -n "__fish_fastio_using_subcommand upload" -l api-base -d 'API base URL [default: https://api.fast.io/current]' -r
complete -c fastio -n "__fish_fastio_using_subcommand upload" -l token -d 'Access token or API key to use (see the credential order in --help)' -r
complete -c fastio -n "__fish_fastio_using_subcommand upload" -l profile -d 'Credential and settings profile' -r
complete -c fastio -n "__fish_fastio_using_subcommand upload" -l progress -d 'How to show progress on stderr' -r -f -a "auto\t'Bars on a terminal, plain status lines otherwise'
bars\t'Always draw bars'
plain\t'Plain status lines (at most one every 10 s), one line per failure'
none\t'No progress output'"
complete -c fastio -n "__fish_fastio_using_subcommand upload" -l log-file -d 'Append a log to FILE: each HTTP request and each file\'s outcome (the -vv level, or more with -vvv or RUST_LOG), whatever stderr shows' -r -F
complete -c fastio -n "__fish_fastio_using_subcommand upload" -l stall-timeout -d 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")' -r
complete -c fastio -n "__fish_fastio_using_subcommand upload" -l max-wait -d 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)' -r
complete -c fastio -n "__fish_fastio_using_subcommand upload" -l bwlimit -d 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)' -r
complete -c fastio -n "__fish_fastio_using_subcommand upload" -s 0 -l null -d 'With --files-from: paths are NUL-separated'
complete -c fastio -n "__fish_fastio_using_subcommand upload" -s L -l follow-symlinks -d 'Follow symbolic links (with loop detection); by default they are skipped and listed'
complete -c fastio -n "__fish_fastio_using_subcommand upload" -l overwrite -d 'Upload even when the remote file looks identical'
complete -c fastio -n "__fish_fastio_using_subcommand upload" -l no-resume -d 'Ignore (and do not write) the resume journal'
complete -c fastio -n "__fish_fastio_using_subcommand upload" -s n -l dry-run -d 'Show what would be uploaded, skipped and created, using read-only calls only'
complete -c fastio -n "__fish_fastio_using_subcommand upload" -l lock -d 'Lock the destination folder for the whole upload'
complete -c fastio -n "__fish_fastio_using_subcommand upload" -l watch -d 'Keep running after the first pass: upload files as they appear or change (Ctrl-C or SIGTERM ends it)'
complete -c fastio -n "__fish_fastio_using_subcommand upload" -l delete -d 'After a run where every file was uploaded or skipped, move remote files and folders under the destination that have no local twin to the trash'
complete -c fastio -n "__fish_fastio_using_subcommand upload" -l delete-excluded -d 'With --delete: also trash remote files the filters exclude (kept by default)'
complete -c fastio -n "__fish_fastio_using_subcommand upload" -l emulator -d 'Run against a local emulator started inside this process (no account needed)'
complete -c fastio -n "__fish_fastio_using_subcommand upload" -l json -d 'Machine-readable output: NDJSON events on stdout'
complete -c fastio -n "__fish_fastio_using_subcommand upload" -s v -l verbose -d 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)'
complete -c fastio -n "__fish_fastio_using_subcommand upload" -s q -l quiet -d 'Only errors on stderr'
complete -c fastio -n "__fish_fastio_using_subcommand upload" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fastio -n "__fish_fastio_using_subcommand ls" -s w -l workspace -d 'Workspace id or name' -r
complete -c fastio -n "__fish_fastio_using_subcommand ls" -l api-base -d 'API base URL [default: https://api.fast.io/current]' -r
complete -c fastio -n "__fish_fastio_using_subcommand ls" -l token -d 'Access token or API key to use (see the credential order in --help)' -r
complete -c fastio -n "__fish_fastio_using_subcommand ls" -l profile -d 'Credential and settings profile' -r
complete -c fastio -n "__fish_fastio_using_subcommand ls" -l progress -d 'How to show progress on stderr' -r -f -a "auto\t'Bars on a terminal, plain status lines otherwise'
bars\t'Always draw bars'
plain\t'Plain status lines (at most one every 10 s), one line per failure'
none\t'No progress output'"
complete -c fastio -n "__fish_fastio_using_subcommand ls" -l log-file -d 'Append a log to FILE: each HTTP request and each file\'s outcome (the -vv level, or more with -vvv or RUST_LOG), whatever stderr shows' -r -F
complete -c fastio -n "__fish_fastio_using_subcommand ls" -l stall-timeout -d 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")' -r
complete -c fastio -n "__fish_fastio_using_subcommand ls" -l max-wait -d 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)' -r
complete -c fastio -n "__fish_fastio_using_subcommand ls" -l bwlimit -d 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)' -r
complete -c fastio -n "__fish_fastio_using_subcommand ls" -s R -l recursive -d 'List the folders below too, recursively'
complete -c fastio -n "__fish_fastio_using_subcommand ls" -s l -l long -d 'Long listing: size, last modification and content hash'
complete -c fastio -n "__fish_fastio_using_subcommand ls" -l workspaces -d 'List the workspaces this credential can use (id and name) instead of files'
complete -c fastio -n "__fish_fastio_using_subcommand ls" -l emulator -d 'Run against a local emulator started inside this process (no account needed)'
complete -c fastio -n "__fish_fastio_using_subcommand ls" -l json -d 'Machine-readable output: NDJSON events on stdout'
complete -c fastio -n "__fish_fastio_using_subcommand ls" -s v -l verbose -d 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)'
complete -c fastio -n "__fish_fastio_using_subcommand ls" -s q -l quiet -d 'Only errors on stderr'
complete -c fastio -n "__fish_fastio_using_subcommand ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fastio -n "__fish_fastio_using_subcommand verify" -l receipt -d 'Check every file of this receipt (written by `upload --receipt`)' -r -F
complete -c fastio -n "__fish_fastio_using_subcommand verify" -l to -d 'Remote folder the PATHs were uploaded to (as `upload --to`)' -r
complete -c fastio -n "__fish_fastio_using_subcommand verify" -s w -l workspace -d 'Workspace id or name (with --receipt: each line\'s own, unless given here)' -r
complete -c fastio -n "__fish_fastio_using_subcommand verify" -l share -d 'A share (id or name) instead of a workspace: upload into it (its root and folders, as for a workspace)' -r
complete -c fastio -n "__fish_fastio_using_subcommand verify" -l share-password -d 'The share\'s password (also FASTIO_SHARE_PASSWORD), sent as `x-ve-password`; never shown' -r
complete -c fastio -n "__fish_fastio_using_subcommand verify" -l ci -d 'CI-native output: annotations and a step summary in GitHub Actions' -r -f -a "auto\t'GitHub Actions output when GITHUB_ACTIONS=true, none otherwise'
github\t'GitHub Actions output (annotations, folded progress, step summary)'
none\t'No CI output'"
complete -c fastio -n "__fish_fastio_using_subcommand verify" -l api-base -d 'API base URL [default: https://api.fast.io/current]' -r
complete -c fastio -n "__fish_fastio_using_subcommand verify" -l token -d 'Access token or API key to use (see the credential order in --help)' -r
complete -c fastio -n "__fish_fastio_using_subcommand verify" -l profile -d 'Credential and settings profile' -r
complete -c fastio -n "__fish_fastio_using_subcommand verify" -l progress -d 'How to show progress on stderr' -r -f -a "auto\t'Bars on a terminal, plain status lines otherwise'
bars\t'Always draw bars'
plain\t'Plain status lines (at most one every 10 s), one line per failure'
none\t'No progress output'"
complete -c fastio -n "__fish_fastio_using_subcommand verify" -l log-file -d 'Append a log to FILE: each HTTP request and each file\'s outcome (the -vv level, or more with -vvv or RUST_LOG), whatever stderr shows' -r -F
complete -c fastio -n "__fish_fastio_using_subcommand verify" -l stall-timeout -d 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")' -r
complete -c fastio -n "__fish_fastio_using_subcommand verify" -l max-wait -d 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)' -r
complete -c fastio -n "__fish_fastio_using_subcommand verify" -l bwlimit -d 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)' -r
complete -c fastio -n "__fish_fastio_using_subcommand verify" -l partial -d 'Accept a receipt whose run did not finish (no summary line) or that records no files, and check what it records'
complete -c fastio -n "__fish_fastio_using_subcommand verify" -l extra -d 'Also report remote files that have no local counterpart'
complete -c fastio -n "__fish_fastio_using_subcommand verify" -s L -l follow-symlinks -d 'Follow symbolic links in the local tree'
complete -c fastio -n "__fish_fastio_using_subcommand verify" -l emulator -d 'Run against a local emulator started inside this process (no account needed)'
complete -c fastio -n "__fish_fastio_using_subcommand verify" -l json -d 'Machine-readable output: NDJSON events on stdout'
complete -c fastio -n "__fish_fastio_using_subcommand verify" -s v -l verbose -d 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)'
complete -c fastio -n "__fish_fastio_using_subcommand verify" -s q -l quiet -d 'Only errors on stderr'
complete -c fastio -n "__fish_fastio_using_subcommand verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fastio -n "__fish_fastio_using_subcommand import-url" -s w -l workspace -d 'Workspace id or name' -r
complete -c fastio -n "__fish_fastio_using_subcommand import-url" -l to -d 'Remote folder path under the workspace root (created as needed)' -r
complete -c fastio -n "__fish_fastio_using_subcommand import-url" -l name -d 'File name for the imported file (only with a single URL)' -r
complete -c fastio -n "__fish_fastio_using_subcommand import-url" -l urls-from -d 'Read URLs from FILE, one per line (`-` for stdin; `#` starts a comment)' -r -F
complete -c fastio -n "__fish_fastio_using_subcommand import-url" -s j -l concurrency -d 'Import jobs submitted or polled at once (1 to 64)' -r
complete -c fastio -n "__fish_fastio_using_subcommand import-url" -l timeout -d 'Give up waiting for one import after this many seconds (1 to 86400)' -r
complete -c fastio -n "__fish_fastio_using_subcommand import-url" -l api-base -d 'API base URL [default: https://api.fast.io/current]' -r
complete -c fastio -n "__fish_fastio_using_subcommand import-url" -l token -d 'Access token or API key to use (see the credential order in --help)' -r
complete -c fastio -n "__fish_fastio_using_subcommand import-url" -l profile -d 'Credential and settings profile' -r
complete -c fastio -n "__fish_fastio_using_subcommand import-url" -l progress -d 'How to show progress on stderr' -r -f -a "auto\t'Bars on a terminal, plain status lines otherwise'
bars\t'Always draw bars'
plain\t'Plain status lines (at most one every 10 s), one line per failure'
none\t'No progress output'"
complete -c fastio -n "__fish_fastio_using_subcommand import-url" -l log-file -d 'Append a log to FILE: each HTTP request and each file\'s outcome (the -vv level, or more with -vvv or RUST_LOG), whatever stderr shows' -r -F
complete -c fastio -n "__fish_fastio_using_subcommand import-url" -l stall-timeout -d 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")' -r
complete -c fastio -n "__fish_fastio_using_subcommand import-url" -l max-wait -d 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)' -r
complete -c fastio -n "__fish_fastio_using_subcommand import-url" -l bwlimit -d 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)' -r
complete -c fastio -n "__fish_fastio_using_subcommand import-url" -l no-wait -d 'Report once submitted, without waiting for the imports to finish'
complete -c fastio -n "__fish_fastio_using_subcommand import-url" -l emulator -d 'Run against a local emulator started inside this process (no account needed)'
complete -c fastio -n "__fish_fastio_using_subcommand import-url" -l json -d 'Machine-readable output: NDJSON events on stdout'
complete -c fastio -n "__fish_fastio_using_subcommand import-url" -s v -l verbose -d 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)'
complete -c fastio -n "__fish_fastio_using_subcommand import-url" -s q -l quiet -d 'Only errors on stderr'
complete -c fastio -n "__fish_fastio_using_subcommand import-url" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fastio -n "__fish_fastio_using_subcommand lock; and not __fish_seen_subcommand_from acquire status heartbeat release run help" -s w -l workspace -d 'Workspace id or name' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and not __fish_seen_subcommand_from acquire status heartbeat release run help" -l api-base -d 'API base URL [default: https://api.fast.io/current]' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and not __fish_seen_subcommand_from acquire status heartbeat release run help" -l token -d 'Access token or API key to use (see the credential order in --help)' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and not __fish_seen_subcommand_from acquire status heartbeat release run help" -l profile -d 'Credential and settings profile' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and not __fish_seen_subcommand_from acquire status heartbeat release run help" -l progress -d 'How to show progress on stderr' -r -f -a "auto\t'Bars on a terminal, plain status lines otherwise'
bars\t'Always draw bars'
plain\t'Plain status lines (at most one every 10 s), one line per failure'
none\t'No progress output'"
complete -c fastio -n "__fish_fastio_using_subcommand lock; and not __fish_seen_subcommand_from acquire status heartbeat release run help" -l log-file -d 'Append a log to FILE: each HTTP request and each file\'s outcome (the -vv level, or more with -vvv or RUST_LOG), whatever stderr shows' -r -F
complete -c fastio -n "__fish_fastio_using_subcommand lock; and not __fish_seen_subcommand_from acquire status heartbeat release run help" -l stall-timeout -d 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and not __fish_seen_subcommand_from acquire status heartbeat release run help" -l max-wait -d 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and not __fish_seen_subcommand_from acquire status heartbeat release run help" -l bwlimit -d 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and not __fish_seen_subcommand_from acquire status heartbeat release run help" -l emulator -d 'Run against a local emulator started inside this process (no account needed)'
complete -c fastio -n "__fish_fastio_using_subcommand lock; and not __fish_seen_subcommand_from acquire status heartbeat release run help" -l json -d 'Machine-readable output: NDJSON events on stdout'
complete -c fastio -n "__fish_fastio_using_subcommand lock; and not __fish_seen_subcommand_from acquire status heartbeat release run help" -s v -l verbose -d 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)'
complete -c fastio -n "__fish_fastio_using_subcommand lock; and not __fish_seen_subcommand_from acquire status heartbeat release run help" -s q -l quiet -d 'Only errors on stderr'
complete -c fastio -n "__fish_fastio_using_subcommand lock; and not __fish_seen_subcommand_from acquire status heartbeat release run help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fastio -n "__fish_fastio_using_subcommand lock; and not __fish_seen_subcommand_from acquire status heartbeat release run help" -f -a "acquire" -d 'Take a lock and print its token alone on stdout'
complete -c fastio -n "__fish_fastio_using_subcommand lock; and not __fish_seen_subcommand_from acquire status heartbeat release run help" -f -a "status" -d 'Show whether a node is locked, by whom and until when'
complete -c fastio -n "__fish_fastio_using_subcommand lock; and not __fish_seen_subcommand_from acquire status heartbeat release run help" -f -a "heartbeat" -d 'Extend a lock you hold'
complete -c fastio -n "__fish_fastio_using_subcommand lock; and not __fish_seen_subcommand_from acquire status heartbeat release run help" -f -a "release" -d 'Release a lock you hold'
complete -c fastio -n "__fish_fastio_using_subcommand lock; and not __fish_seen_subcommand_from acquire status heartbeat release run help" -f -a "run" -d 'Hold a lock while COMMAND runs, then release it whatever happens'
complete -c fastio -n "__fish_fastio_using_subcommand lock; and not __fish_seen_subcommand_from acquire status heartbeat release run help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from acquire" -l duration -d 'Lock duration in seconds (60-3600)' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from acquire" -l wait -d 'If another client holds the lock, keep trying for up to this many seconds (0 to 86400; 0: try once)' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from acquire" -s w -l workspace -d 'Workspace id or name' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from acquire" -l api-base -d 'API base URL [default: https://api.fast.io/current]' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from acquire" -l token -d 'Access token or API key to use (see the credential order in --help)' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from acquire" -l profile -d 'Credential and settings profile' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from acquire" -l progress -d 'How to show progress on stderr' -r -f -a "auto\t'Bars on a terminal, plain status lines otherwise'
bars\t'Always draw bars'
plain\t'Plain status lines (at most one every 10 s), one line per failure'
none\t'No progress output'"
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from acquire" -l log-file -d 'Append a log to FILE: each HTTP request and each file\'s outcome (the -vv level, or more with -vvv or RUST_LOG), whatever stderr shows' -r -F
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from acquire" -l stall-timeout -d 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from acquire" -l max-wait -d 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from acquire" -l bwlimit -d 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from acquire" -l emulator -d 'Run against a local emulator started inside this process (no account needed)'
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from acquire" -l json -d 'Machine-readable output: NDJSON events on stdout'
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from acquire" -s v -l verbose -d 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)'
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from acquire" -s q -l quiet -d 'Only errors on stderr'
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from acquire" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from status" -s w -l workspace -d 'Workspace id or name' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from status" -l api-base -d 'API base URL [default: https://api.fast.io/current]' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from status" -l token -d 'Access token or API key to use (see the credential order in --help)' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from status" -l profile -d 'Credential and settings profile' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from status" -l progress -d 'How to show progress on stderr' -r -f -a "auto\t'Bars on a terminal, plain status lines otherwise'
bars\t'Always draw bars'
plain\t'Plain status lines (at most one every 10 s), one line per failure'
none\t'No progress output'"
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from status" -l log-file -d 'Append a log to FILE: each HTTP request and each file\'s outcome (the -vv level, or more with -vvv or RUST_LOG), whatever stderr shows' -r -F
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from status" -l stall-timeout -d 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from status" -l max-wait -d 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from status" -l bwlimit -d 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from status" -l emulator -d 'Run against a local emulator started inside this process (no account needed)'
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from status" -l json -d 'Machine-readable output: NDJSON events on stdout'
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from status" -s v -l verbose -d 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)'
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Only errors on stderr'
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from heartbeat" -l lock-token -d 'The lock token printed by `lock acquire` (`--token` is the global credential flag)' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from heartbeat" -s w -l workspace -d 'Workspace id or name' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from heartbeat" -l api-base -d 'API base URL [default: https://api.fast.io/current]' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from heartbeat" -l token -d 'Access token or API key to use (see the credential order in --help)' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from heartbeat" -l profile -d 'Credential and settings profile' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from heartbeat" -l progress -d 'How to show progress on stderr' -r -f -a "auto\t'Bars on a terminal, plain status lines otherwise'
bars\t'Always draw bars'
plain\t'Plain status lines (at most one every 10 s), one line per failure'
none\t'No progress output'"
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from heartbeat" -l log-file -d 'Append a log to FILE: each HTTP request and each file\'s outcome (the -vv level, or more with -vvv or RUST_LOG), whatever stderr shows' -r -F
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from heartbeat" -l stall-timeout -d 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from heartbeat" -l max-wait -d 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from heartbeat" -l bwlimit -d 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from heartbeat" -l emulator -d 'Run against a local emulator started inside this process (no account needed)'
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from heartbeat" -l json -d 'Machine-readable output: NDJSON events on stdout'
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from heartbeat" -s v -l verbose -d 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)'
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from heartbeat" -s q -l quiet -d 'Only errors on stderr'
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from heartbeat" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from release" -l lock-token -d 'The lock token printed by `lock acquire` (`--token` is the global credential flag)' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from release" -s w -l workspace -d 'Workspace id or name' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from release" -l api-base -d 'API base URL [default: https://api.fast.io/current]' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from release" -l token -d 'Access token or API key to use (see the credential order in --help)' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from release" -l profile -d 'Credential and settings profile' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from release" -l progress -d 'How to show progress on stderr' -r -f -a "auto\t'Bars on a terminal, plain status lines otherwise'
bars\t'Always draw bars'
plain\t'Plain status lines (at most one every 10 s), one line per failure'
none\t'No progress output'"
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from release" -l log-file -d 'Append a log to FILE: each HTTP request and each file\'s outcome (the -vv level, or more with -vvv or RUST_LOG), whatever stderr shows' -r -F
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from release" -l stall-timeout -d 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from release" -l max-wait -d 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from release" -l bwlimit -d 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from release" -l emulator -d 'Run against a local emulator started inside this process (no account needed)'
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from release" -l json -d 'Machine-readable output: NDJSON events on stdout'
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from release" -s v -l verbose -d 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)'
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from release" -s q -l quiet -d 'Only errors on stderr'
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from release" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from run" -l duration -d 'Lock duration in seconds (60-3600); a heartbeat extends it while COMMAND runs' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from run" -l wait -d 'If another client holds the lock, keep trying for up to this many seconds (0 to 86400; 0: try once)' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from run" -s w -l workspace -d 'Workspace id or name' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from run" -l api-base -d 'API base URL [default: https://api.fast.io/current]' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from run" -l token -d 'Access token or API key to use (see the credential order in --help)' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from run" -l profile -d 'Credential and settings profile' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from run" -l progress -d 'How to show progress on stderr' -r -f -a "auto\t'Bars on a terminal, plain status lines otherwise'
bars\t'Always draw bars'
plain\t'Plain status lines (at most one every 10 s), one line per failure'
none\t'No progress output'"
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from run" -l log-file -d 'Append a log to FILE: each HTTP request and each file\'s outcome (the -vv level, or more with -vvv or RUST_LOG), whatever stderr shows' -r -F
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from run" -l stall-timeout -d 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from run" -l max-wait -d 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from run" -l bwlimit -d 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)' -r
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from run" -l emulator -d 'Run against a local emulator started inside this process (no account needed)'
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from run" -l json -d 'Machine-readable output: NDJSON events on stdout'
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from run" -s v -l verbose -d 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)'
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from run" -s q -l quiet -d 'Only errors on stderr'
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from run" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from help" -f -a "acquire" -d 'Take a lock and print its token alone on stdout'
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from help" -f -a "status" -d 'Show whether a node is locked, by whom and until when'
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from help" -f -a "heartbeat" -d 'Extend a lock you hold'
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from help" -f -a "release" -d 'Release a lock you hold'
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from help" -f -a "run" -d 'Hold a lock while COMMAND runs, then release it whatever happens'
complete -c fastio -n "__fish_fastio_using_subcommand lock; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c fastio -n "__fish_fastio_using_subcommand ask" -s w -l workspace -d 'Workspace id or name' -r
complete -c fastio -n "__fish_fastio_using_subcommand ask" -l folder -d 'Ground the answer in this remote folder (repeatable)' -r
complete -c fastio -n "__fish_fastio_using_subcommand ask" -l file -d 'Attach this remote file (repeatable)' -r
complete -c fastio -n "__fish_fastio_using_subcommand ask" -l timeout -d 'Give up waiting for the answer after this many seconds (1 to 86400)' -r
complete -c fastio -n "__fish_fastio_using_subcommand ask" -l api-base -d 'API base URL [default: https://api.fast.io/current]' -r
complete -c fastio -n "__fish_fastio_using_subcommand ask" -l token -d 'Access token or API key to use (see the credential order in --help)' -r
complete -c fastio -n "__fish_fastio_using_subcommand ask" -l profile -d 'Credential and settings profile' -r
complete -c fastio -n "__fish_fastio_using_subcommand ask" -l progress -d 'How to show progress on stderr' -r -f -a "auto\t'Bars on a terminal, plain status lines otherwise'
bars\t'Always draw bars'
plain\t'Plain status lines (at most one every 10 s), one line per failure'
none\t'No progress output'"
complete -c fastio -n "__fish_fastio_using_subcommand ask" -l log-file -d 'Append a log to FILE: each HTTP request and each file\'s outcome (the -vv level, or more with -vvv or RUST_LOG), whatever stderr shows' -r -F
complete -c fastio -n "__fish_fastio_using_subcommand ask" -l stall-timeout -d 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")' -r
complete -c fastio -n "__fish_fastio_using_subcommand ask" -l max-wait -d 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)' -r
complete -c fastio -n "__fish_fastio_using_subcommand ask" -l bwlimit -d 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)' -r
complete -c fastio -n "__fish_fastio_using_subcommand ask" -l wait-indexed -d 'Wait until the referenced files are indexed before asking'
complete -c fastio -n "__fish_fastio_using_subcommand ask" -l enable-intelligence -d 'Turn on workspace intelligence first (costs credits; files already there get indexed)'
complete -c fastio -n "__fish_fastio_using_subcommand ask" -l emulator -d 'Run against a local emulator started inside this process (no account needed)'
complete -c fastio -n "__fish_fastio_using_subcommand ask" -l json -d 'Machine-readable output: NDJSON events on stdout'
complete -c fastio -n "__fish_fastio_using_subcommand ask" -s v -l verbose -d 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)'
complete -c fastio -n "__fish_fastio_using_subcommand ask" -s q -l quiet -d 'Only errors on stderr'
complete -c fastio -n "__fish_fastio_using_subcommand ask" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fastio -n "__fish_fastio_using_subcommand doctor" -s w -l workspace -d 'Workspace id or name' -r
complete -c fastio -n "__fish_fastio_using_subcommand doctor" -l import-url -d 'The file URL the import check asks the server to fetch [default: a file served on loopback when the API is on loopback]' -r
complete -c fastio -n "__fish_fastio_using_subcommand doctor" -l assembly-timeout -d 'Fail the upload checks when a session is not stored this long after its last chunk (1s to 7d)' -r
complete -c fastio -n "__fish_fastio_using_subcommand doctor" -l api-base -d 'API base URL [default: https://api.fast.io/current]' -r
complete -c fastio -n "__fish_fastio_using_subcommand doctor" -l token -d 'Access token or API key to use (see the credential order in --help)' -r
complete -c fastio -n "__fish_fastio_using_subcommand doctor" -l profile -d 'Credential and settings profile' -r
complete -c fastio -n "__fish_fastio_using_subcommand doctor" -l progress -d 'How to show progress on stderr' -r -f -a "auto\t'Bars on a terminal, plain status lines otherwise'
bars\t'Always draw bars'
plain\t'Plain status lines (at most one every 10 s), one line per failure'
none\t'No progress output'"
complete -c fastio -n "__fish_fastio_using_subcommand doctor" -l log-file -d 'Append a log to FILE: each HTTP request and each file\'s outcome (the -vv level, or more with -vvv or RUST_LOG), whatever stderr shows' -r -F
complete -c fastio -n "__fish_fastio_using_subcommand doctor" -l stall-timeout -d 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")' -r
complete -c fastio -n "__fish_fastio_using_subcommand doctor" -l max-wait -d 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)' -r
complete -c fastio -n "__fish_fastio_using_subcommand doctor" -l bwlimit -d 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)' -r
complete -c fastio -n "__fish_fastio_using_subcommand doctor" -l read-only -d 'Skip every check that writes (no scratch folder)'
complete -c fastio -n "__fish_fastio_using_subcommand doctor" -l all -d 'Also check URL import and AI questions (the AI check may cost credits)'
complete -c fastio -n "__fish_fastio_using_subcommand doctor" -l emulator -d 'Run against a local emulator started inside this process (no account needed)'
complete -c fastio -n "__fish_fastio_using_subcommand doctor" -l json -d 'Machine-readable output: NDJSON events on stdout'
complete -c fastio -n "__fish_fastio_using_subcommand doctor" -s v -l verbose -d 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)'
complete -c fastio -n "__fish_fastio_using_subcommand doctor" -s q -l quiet -d 'Only errors on stderr'
complete -c fastio -n "__fish_fastio_using_subcommand doctor" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fastio -n "__fish_fastio_using_subcommand bench" -s w -l workspace -d 'Workspace id or name' -r
complete -c fastio -n "__fish_fastio_using_subcommand bench" -l preset -d 'A named set of files (ignored with --size or --files)' -r -f -a "small\t'1,000 files of 4 KiB (request rate, batching)'
large\t'2 files of 64 MiB (bytes per second through chunked sessions)'
mixed\t'400 files of 16 KiB and 2 of 32 MiB'
tree\t'2,000 files of 2 KB in 200 folders, 20 x 10 (folder creation, listings, batches across folders)'"
complete -c fastio -n "__fish_fastio_using_subcommand bench" -l size -d 'Size of every file (e.g. 4KiB, 5MiB, 1GiB) [default with --files: 1MiB]' -r
complete -c fastio -n "__fish_fastio_using_subcommand bench" -l files -d 'Number of files per step (1 to 1000000) [default with --size: 1]' -r
complete -c fastio -n "__fish_fastio_using_subcommand bench" -l folders -d 'Spread the files over this many folders, ten to a parent (d00/s0 ... d19/s9 for 200) [default: the preset\'s; 1 with --size or --files]' -r
complete -c fastio -n "__fish_fastio_using_subcommand bench" -s j -l concurrency -d 'The --concurrency values to try, in order (comma-separated, each 1 to 256) [default: 1,2,4,8,16,32]' -r
complete -c fastio -n "__fish_fastio_using_subcommand bench" -l retries -d 'Retries per request for 5xx, timeouts and connection errors (0 to 100)' -r
complete -c fastio -n "__fish_fastio_using_subcommand bench" -l assembly-timeout -d 'Fail a file whose upload session is not stored this long after its last chunk (1s to 7d)' -r
complete -c fastio -n "__fish_fastio_using_subcommand bench" -l api-base -d 'API base URL [default: https://api.fast.io/current]' -r
complete -c fastio -n "__fish_fastio_using_subcommand bench" -l token -d 'Access token or API key to use (see the credential order in --help)' -r
complete -c fastio -n "__fish_fastio_using_subcommand bench" -l profile -d 'Credential and settings profile' -r
complete -c fastio -n "__fish_fastio_using_subcommand bench" -l progress -d 'How to show progress on stderr' -r -f -a "auto\t'Bars on a terminal, plain status lines otherwise'
bars\t'Always draw bars'
plain\t'Plain status lines (at most one every 10 s), one line per failure'
none\t'No progress output'"
complete -c fastio -n "__fish_fastio_using_subcommand bench" -l log-file -d 'Append a log to FILE: each HTTP request and each file\'s outcome (the -vv level, or more with -vvv or RUST_LOG), whatever stderr shows' -r -F
complete -c fastio -n "__fish_fastio_using_subcommand bench" -l stall-timeout -d 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")' -r
complete -c fastio -n "__fish_fastio_using_subcommand bench" -l max-wait -d 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)' -r
complete -c fastio -n "__fish_fastio_using_subcommand bench" -l bwlimit -d 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)' -r
complete -c fastio -n "__fish_fastio_using_subcommand bench" -l emulator -d 'Run against a local emulator started inside this process (no account needed)'
complete -c fastio -n "__fish_fastio_using_subcommand bench" -l json -d 'Machine-readable output: NDJSON events on stdout'
complete -c fastio -n "__fish_fastio_using_subcommand bench" -s v -l verbose -d 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)'
complete -c fastio -n "__fish_fastio_using_subcommand bench" -s q -l quiet -d 'Only errors on stderr'
complete -c fastio -n "__fish_fastio_using_subcommand bench" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fastio -n "__fish_fastio_using_subcommand emulator" -l listen -d 'Address to listen on (loopback unless another address is named explicitly; port 0 = any free port)' -r
complete -c fastio -n "__fish_fastio_using_subcommand emulator" -l api-key -d 'API key to accept (repeatable; one is generated when none is given)' -r
complete -c fastio -n "__fish_fastio_using_subcommand emulator" -l workspace -d 'Workspace to create (repeatable; the folder_name; default `default`)' -r
complete -c fastio -n "__fish_fastio_using_subcommand emulator" -l share -d 'A share to create, NAME or NAME:PASSWORD (repeatable): backed by the folder NAME at the first workspace\'s root; uploads take `--share NAME`' -r
complete -c fastio -n "__fish_fastio_using_subcommand emulator" -l data-dir -d 'Where files and metadata are kept [default: the XDG data dir]' -r -F
complete -c fastio -n "__fish_fastio_using_subcommand emulator" -l chunk-size -d 'Largest chunk accepted, reported by /upload/limits/ (e.g. 100MB, 2MiB)' -r
complete -c fastio -n "__fish_fastio_using_subcommand emulator" -l max-chunks -d 'Most chunks per upload session (1 to 100000)' -r
complete -c fastio -n "__fish_fastio_using_subcommand emulator" -l max-file-size -d 'Largest file accepted (e.g. 40GB)' -r
complete -c fastio -n "__fish_fastio_using_subcommand emulator" -l max-sessions -d 'Most open upload sessions per user (1 to 1000000)' -r
complete -c fastio -n "__fish_fastio_using_subcommand emulator" -l assembly-delay-ms -d 'Time spent in each state between /complete/ and stored (assemble ... storing; 0 to 3600000)' -r
complete -c fastio -n "__fish_fastio_using_subcommand emulator" -l fail-assembly-rate -d 'Fraction of completed chunked uploads that end in assembly_failed or store_failed' -r
complete -c fastio -n "__fish_fastio_using_subcommand emulator" -l rate-limit -d 'Requests per second allowed per token (0 = unlimited; at most 1000000)' -r
complete -c fastio -n "__fish_fastio_using_subcommand emulator" -l burst -d 'Burst size of the rate limiter (1 to 1000000) [default: the rate, at least 1]' -r
complete -c fastio -n "__fish_fastio_using_subcommand emulator" -l seed -d 'Seed for the injected faults (--fail-rate, --reset-rate, --fail-assembly-rate)' -r
complete -c fastio -n "__fish_fastio_using_subcommand emulator" -l latency-ms -d 'Added latency per request, in milliseconds (= --latency; 0 to 600000)' -r
complete -c fastio -n "__fish_fastio_using_subcommand emulator" -l latency -d 'Added latency per request, as a duration (e.g. 100ms, 1s): an internet round trip' -r
complete -c fastio -n "__fish_fastio_using_subcommand emulator" -l fail-rate -d 'Fraction of requests answered with a random 502/503/504' -r
complete -c fastio -n "__fish_fastio_using_subcommand emulator" -l reset-rate -d 'Fraction of requests whose connection is dropped mid-request' -r
complete -c fastio -n "__fish_fastio_using_subcommand emulator" -l bandwidth-per-conn -d 'Throttle reading request bodies per connection (e.g. 50MB = 50 MB/s)' -r
complete -c fastio -n "__fish_fastio_using_subcommand emulator" -l token-ttl -d 'Lifetime of OAuth access tokens (1 to 31536000)' -r
complete -c fastio -n "__fish_fastio_using_subcommand emulator" -l answer-delay-ms -d 'Delay before an AI answer is complete (0 to 3600000)' -r
complete -c fastio -n "__fish_fastio_using_subcommand emulator" -l variant -d 'Switch on an alternative server behaviour (repeatable); `list` prints them all' -r -f -a "flip-envelopes\t'nested envelopes become flat and flat ones nested; "yes"<->true; error text->message, string code'
legacy-rate-headers\t'rate-limit headers named X-Rate-Limit-Available/-Max/-Expiry instead of x-ve-limit-*'
datetime-expiry\t'rate-limit expiry as a UTC datetime (`2026-12-01 08:30:00 UTC`) instead of epoch seconds'
validation-400\t'validation errors answered with HTTP 400 instead of 406'
omit-new-file-ids\t'single-call answers without new_file_id; batch results with node_id null'
yes-no\t'every success `result` is "yes" and every failure "no" (also /upload/ and /upload/batch/)'
response\t'every success payload nested under `response` (also /upload/ and /upload/batch/)'
queued-states\t'uploads pass through assemble, assembling, store, storing with >= 50 ms in each'
async-uploads\t'single-call: no new_file_id, session `storing` then `stored` a little later; batch node_id null'
stored-without-id\t'upload session details in state `stored` have no new_file_id (list the folder)'
exact-chunks\t'every chunk but the last must be exactly chunk_size bytes (else 406/1605 on `size`)'
wait-ms\t'`wait` of /upload/{id}/details/ is read as milliseconds'
no-workspace-details\t'GET /workspace/{id}/details/ is an unknown route (404/9992)'
string-has-more\t'pagination has_more sent as the string "true"/"false"'
nested-lock-token\t'lock acquire answers {"lock": {"token": ...}} instead of lock_token'
no-folder-locks\t'locking a folder (or root) is refused with 406/1605 on node_id; files lock as usual'
token-endpoint-flaky\t'every other /oauth/token/ request (the 1st, 3rd, ...) gets 503 with an HTML body'
iso-expiry\t'rate-limit expiry in RFC 3339 form (`2026-12-01T08:30:00Z`)'
truncate-names\t'batch names over 100 characters truncated (extension kept) and echoed truncated in results'
md5-hashes\t'storage nodes (and single-call sessions) report hash/hash_algo as md5 instead of sha256'
no-ai-state\t'storage nodes carry no `ai` object (no per-file AI state)'
no-stream\t'stream uploads refused: POST /upload/ with stream=true and /upload/{id}/stream/ answer 406/1605'
caller-plan-limits\t'`GET /upload/limits/` without `action` and `instance_id` answers the caller\'s free plan (1/8 of the file size, 1/4 of the chunks); with them, the target workspace\'s limits'
folded-folder-names\t'`createfolder` finds an existing folder by name case-insensitively after NFC and trimming, and answers with its stored name; new folder names are stored NFC and trimmed'
bare-folder-answers\t'`createfolder` answers `{"node": {"id": ...}}`: the id, without a name'
stream-needs-length\t'`POST /upload/{id}/stream/` without Content-Length reads up to 1 MiB of the body, then answers 411/1605'
folder-lock-binds-holder\t'uploads into a locked folder are refused with 423/1677 for everyone, the lock\'s holder too'
nested-lock-status\t'lock status answers `{"lock": {"locked": false}}`: `locked` inside `lock`, none at the top'
slow-ai-state\t'a stored file\'s `ai.state` is `pending` for 2 s, then `ready`; a question about a file not `ready` yet ends `errored`'
flaky-bulk-details\t'bulk node details: the 2nd, 4th ... id of each request gets a transient error entry (code 1654) the first time it is asked'
deleted-flags\t'a trashed node keeps its `parent` and says `deleted: true`, `deleted_from`: never `parent: "trash"`'
exact-chunks-late\t'the exact chunk rule is checked at `/complete/`: chunks of another size are accepted, then `complete` answers 406/1605 on `chunk_size`'
fail-first-assemblies\t'the 1st chunked session of each file name ends `assembly_failed`, the 2nd `store_failed`; later ones are stored'
list\t'print every variant and exit'"
complete -c fastio -n "__fish_fastio_using_subcommand emulator" -l fault-route -d 'Answer METHOD /path (`*` = one segment) with STATUS and an error envelope (repeatable)' -r
complete -c fastio -n "__fish_fastio_using_subcommand emulator" -l fault-relative-path -d 'Refuse batch entries whose relative_path contains TEXT, that entry alone (repeatable)' -r
complete -c fastio -n "__fish_fastio_using_subcommand emulator" -l api-base -d 'API base URL [default: https://api.fast.io/current]' -r
complete -c fastio -n "__fish_fastio_using_subcommand emulator" -l token -d 'Access token or API key to use (see the credential order in --help)' -r
complete -c fastio -n "__fish_fastio_using_subcommand emulator" -l profile -d 'Credential and settings profile' -r
complete -c fastio -n "__fish_fastio_using_subcommand emulator" -l progress -d 'How to show progress on stderr' -r -f -a "auto\t'Bars on a terminal, plain status lines otherwise'
bars\t'Always draw bars'
plain\t'Plain status lines (at most one every 10 s), one line per failure'
none\t'No progress output'"
complete -c fastio -n "__fish_fastio_using_subcommand emulator" -l log-file -d 'Append a log to FILE: each HTTP request and each file\'s outcome (the -vv level, or more with -vvv or RUST_LOG), whatever stderr shows' -r -F
complete -c fastio -n "__fish_fastio_using_subcommand emulator" -l stall-timeout -d 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")' -r
complete -c fastio -n "__fish_fastio_using_subcommand emulator" -l max-wait -d 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)' -r
complete -c fastio -n "__fish_fastio_using_subcommand emulator" -l bwlimit -d 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)' -r
complete -c fastio -n "__fish_fastio_using_subcommand emulator" -l omit-new-file-ids -d 'Leave new_file_id out of single-call answers and send node_id null in batch results (clients must poll the session or list the folder, as the service allows; = --variant omit-new-file-ids)'
complete -c fastio -n "__fish_fastio_using_subcommand emulator" -l intelligence -d 'Turn workspace intelligence (AI indexing) on for the created workspaces'
complete -c fastio -n "__fish_fastio_using_subcommand emulator" -l allow-private-urls -d 'Let URL imports fetch private and loopback addresses (for tests)'
complete -c fastio -n "__fish_fastio_using_subcommand emulator" -l flip-envelopes -d 'Emit the alternative envelope shapes (flat where nested is canonical and vice versa; = --variant flip-envelopes)'
complete -c fastio -n "__fish_fastio_using_subcommand emulator" -l legacy-rate-headers -d 'Send the legacy X-Rate-Limit-* header names (= --variant legacy-rate-headers)'
complete -c fastio -n "__fish_fastio_using_subcommand emulator" -l datetime-expiry -d 'Send the rate-limit expiry as a UTC datetime instead of epoch seconds (= --variant datetime-expiry)'
complete -c fastio -n "__fish_fastio_using_subcommand emulator" -l validation-400 -d 'Answer validation errors with HTTP 400 instead of 406 (= --variant validation-400)'
complete -c fastio -n "__fish_fastio_using_subcommand emulator" -l auto-approve -d 'Approve OAuth consent requests without asking for the emulator\'s API key'
complete -c fastio -n "__fish_fastio_using_subcommand emulator" -l log-requests -d 'Log every request (method, path, status, time) to stderr'
complete -c fastio -n "__fish_fastio_using_subcommand emulator" -l emulator -d 'Run against a local emulator started inside this process (no account needed)'
complete -c fastio -n "__fish_fastio_using_subcommand emulator" -l json -d 'Machine-readable output: NDJSON events on stdout'
complete -c fastio -n "__fish_fastio_using_subcommand emulator" -s v -l verbose -d 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)'
complete -c fastio -n "__fish_fastio_using_subcommand emulator" -s q -l quiet -d 'Only errors on stderr'
complete -c fastio -n "__fish_fastio_using_subcommand emulator" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fastio -n "__fish_fastio_using_subcommand completions" -l api-base -d 'API base URL [default: https://api.fast.io/current]' -r
complete -c fastio -n "__fish_fastio_using_subcommand completions" -l token -d 'Access token or API key to use (see the credential order in --help)' -r
complete -c fastio -n "__fish_fastio_using_subcommand completions" -l profile -d 'Credential and settings profile' -r
complete -c fastio -n "__fish_fastio_using_subcommand completions" -l progress -d 'How to show progress on stderr' -r -f -a "auto\t'Bars on a terminal, plain status lines otherwise'
bars\t'Always draw bars'
plain\t'Plain status lines (at most one every 10 s), one line per failure'
none\t'No progress output'"
complete -c fastio -n "__fish_fastio_using_subcommand completions" -l log-file -d 'Append a log to FILE: each HTTP request and each file\'s outcome (the -vv level, or more with -vvv or RUST_LOG), whatever stderr shows' -r -F
complete -c fastio -n "__fish_fastio_using_subcommand completions" -l stall-timeout -d 'Abandon a request that makes no progress for this long (connecting, sending, waiting for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off"; waiting for a rate limit or --bwlimit is not "no progress")' -r
complete -c fastio -n "__fish_fastio_using_subcommand completions" -l max-wait -d 'The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429 or 503): a longer one is cut to this, then the request is tried again; asked a second time, the request fails (1s to 24h)' -r
complete -c fastio -n "__fish_fastio_using_subcommand completions" -l bwlimit -d 'Cap the total upload rate of this process, across every connection (bytes per second: 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)' -r
complete -c fastio -n "__fish_fastio_using_subcommand completions" -l emulator -d 'Run against a local emulator started inside this process (no account needed)'
complete -c fastio -n "__fish_fastio_using_subcommand completions" -l json -d 'Machine-readable output: NDJSON events on stdout'
complete -c fastio -n "__fish_fastio_using_subcommand completions" -s v -l verbose -d 'More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG selects its own)'
complete -c fastio -n "__fish_fastio_using_subcommand completions" -s q -l quiet -d 'Only errors on stderr'
complete -c fastio -n "__fish_fastio_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fastio -n "__fish_fastio_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami upload ls verify import-url lock ask doctor bench emulator completions help" -f -a "login" -d 'Store credentials for a profile: browser login (OAuth) or an API key'
complete -c fastio -n "__fish_fastio_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami upload ls verify import-url lock ask doctor bench emulator completions help" -f -a "logout" -d 'Remove a profile\'s stored credentials and revoke its OAuth session'
complete -c fastio -n "__fish_fastio_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami upload ls verify import-url lock ask doctor bench emulator completions help" -f -a "whoami" -d 'Show which credential is in use and who it belongs to'
complete -c fastio -n "__fish_fastio_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami upload ls verify import-url lock ask doctor bench emulator completions help" -f -a "upload" -d 'Upload files and folder trees, concurrently and resumably'
complete -c fastio -n "__fish_fastio_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami upload ls verify import-url lock ask doctor bench emulator completions help" -f -a "ls" -d 'List remote folders (and the workspaces you can use)'
complete -c fastio -n "__fish_fastio_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami upload ls verify import-url lock ask doctor bench emulator completions help" -f -a "verify" -d 'Check that what a receipt (or a local tree) says was stored is on the server'
complete -c fastio -n "__fish_fastio_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami upload ls verify import-url lock ask doctor bench emulator completions help" -f -a "import-url" -d 'Import files from URLs on the server side'
complete -c fastio -n "__fish_fastio_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami upload ls verify import-url lock ask doctor bench emulator completions help" -f -a "lock" -d 'File and folder locks for coordinating several writers'
complete -c fastio -n "__fish_fastio_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami upload ls verify import-url lock ask doctor bench emulator completions help" -f -a "ask" -d 'Ask a question about workspace files; the answer comes with citations'
complete -c fastio -n "__fish_fastio_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami upload ls verify import-url lock ask doctor bench emulator completions help" -f -a "doctor" -d 'Check that every call this tool relies on works with your account and server'
complete -c fastio -n "__fish_fastio_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami upload ls verify import-url lock ask doctor bench emulator completions help" -f -a "bench" -d 'Measure upload speed with generated data and find the best --concurrency'
complete -c fastio -n "__fish_fastio_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami upload ls verify import-url lock ask doctor bench emulator completions help" -f -a "emulator" -d 'Run a local Fast.io-compatible API server'
complete -c fastio -n "__fish_fastio_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami upload ls verify import-url lock ask doctor bench emulator completions help" -f -a "completions" -d 'Print a shell completion script to stdout'
complete -c fastio -n "__fish_fastio_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami upload ls verify import-url lock ask doctor bench emulator completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c fastio -n "__fish_fastio_using_subcommand help; and __fish_seen_subcommand_from lock" -f -a "acquire" -d 'Take a lock and print its token alone on stdout'
complete -c fastio -n "__fish_fastio_using_subcommand help; and __fish_seen_subcommand_from lock" -f -a "status" -d 'Show whether a node is locked, by whom and until when'
complete -c fastio -n "__fish_fastio_using_subcommand help; and __fish_seen_subcommand_from lock" -f -a "heartbeat" -d 'Extend a lock you hold'
complete -c fastio -n "__fish_fastio_using_subcommand help; and __fish_seen_subcommand_from lock" -f -a "release" -d 'Release a lock you hold'
complete -c fastio -n "__fish_fastio_using_subcommand help; and __fish_seen_subcommand_from lock" -f -a "run" -d 'Hold a lock while COMMAND runs, then release it whatever happens'
