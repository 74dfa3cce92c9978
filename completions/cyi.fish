# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_cyi_global_optspecs
    string join \n env= config= region= profile= endpoint-url= y/yes confirm-env= dry-run output= v/verbose h/help V/version
end

function __fish_cyi_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_cyi_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_cyi_using_subcommand
    set -l cmd (__fish_cyi_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c cyi -n "__fish_cyi_needs_command" -l env -d 'Environment to act on, from the config file (e.g. dev, production) [env: CYI_ENV]' -r
complete -c cyi -n "__fish_cyi_needs_command" -l config -d 'Config file [default: $CYI_CONFIG, ./cyi.toml, ~/.config/cyi/config.toml]' -r -F
complete -c cyi -n "__fish_cyi_needs_command" -l region -d 'AWS region (overrides the environment\'s)' -r
complete -c cyi -n "__fish_cyi_needs_command" -l profile -d 'AWS shared-config profile (overrides the environment\'s)' -r
complete -c cyi -n "__fish_cyi_needs_command" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. a local sandbox (overrides the environment\'s)' -r
complete -c cyi -n "__fish_cyi_needs_command" -l confirm-env -d 'Name the protected environment being changed, in place of typing it at the prompt' -r
complete -c cyi -n "__fish_cyi_needs_command" -l output -d 'Output format: a table for people, or one JSON document on stdout' -r -f -a "table\t''
json\t''"
complete -c cyi -n "__fish_cyi_needs_command" -s y -l yes -d 'Answer yes to confirmations (a protected environment also needs --confirm-env)'
complete -c cyi -n "__fish_cyi_needs_command" -l dry-run -d 'Show what would be done and change nothing'
complete -c cyi -n "__fish_cyi_needs_command" -s v -l verbose -d 'Show each AWS call on stderr'
complete -c cyi -n "__fish_cyi_needs_command" -s h -l help -d 'Print help'
complete -c cyi -n "__fish_cyi_needs_command" -s V -l version -d 'Print version'
complete -c cyi -n "__fish_cyi_needs_command" -f -a "start-cluster" -d 'Launch the CYI cluster for an export date, as the launcher would, after checking the run'
complete -c cyi -n "__fish_cyi_needs_command" -f -a "status" -d 'Where a run is or where it failed, and what to do next; without an id, the whole environment (read-only)'
complete -c cyi -n "__fish_cyi_needs_command" -f -a "logs" -d 'The tail of a run\'s step log from S3 (the failed step\'s stderr by default), read-only'
complete -c cyi -n "__fish_cyi_needs_command" -f -a "history" -d 'Past clusters of the product: how each run ended, how long it took, what it cost (read-only)'
complete -c cyi -n "__fish_cyi_needs_command" -f -a "restart" -d 'Start a run again: resume from its failed step, or with --fresh from the first step'
complete -c cyi -n "__fish_cyi_needs_command" -f -a "stop-clusters" -d 'Terminate the environment\'s active CYI clusters (shows the plan and asks first)'
complete -c cyi -n "__fish_cyi_needs_command" -f -a "clear-row" -d 'Clear a run\'s state row, after archiving it locally (undo with restore-row)'
complete -c cyi -n "__fish_cyi_needs_command" -f -a "restore-row" -d 'Put a cleared row back from the local archive, or list the archive'
complete -c cyi -n "__fish_cyi_needs_command" -f -a "rows" -d 'List the data product\'s state rows, newest first (read-only)'
complete -c cyi -n "__fish_cyi_needs_command" -f -a "clusters" -d 'List the environment\'s active CYI clusters (read-only)'
complete -c cyi -n "__fish_cyi_needs_command" -f -a "completions" -d 'Print shell completions'
complete -c cyi -n "__fish_cyi_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cyi -n "__fish_cyi_using_subcommand start-cluster" -l export-date -d 'The day whose files to load' -r
complete -c cyi -n "__fish_cyi_using_subcommand start-cluster" -l correlation-id -d 'The run\'s id: the state row\'s key and the cluster\'s Correlation_Id tag' -r
complete -c cyi -n "__fish_cyi_using_subcommand start-cluster" -l start-date -d 'Load every day from this one up to the export date (a historical backfill)' -r
complete -c cyi -n "__fish_cyi_using_subcommand start-cluster" -l s3-prefix -d 'Input prefix handed to the steps [default: <cluster_name>/<export-date>]' -r
complete -c cyi -n "__fish_cyi_using_subcommand start-cluster" -l input-bucket -d 'Bucket holding the input files (overrides the environment\'s input_bucket)' -r
complete -c cyi -n "__fish_cyi_using_subcommand start-cluster" -l cluster-config -d 'The launcher\'s four YAML files (overrides the environment\'s cluster_config)' -r
complete -c cyi -n "__fish_cyi_using_subcommand start-cluster" -l timeout -d 'How long --wait follows the cluster' -r
complete -c cyi -n "__fish_cyi_using_subcommand start-cluster" -l env -d 'Environment to act on, from the config file (e.g. dev, production) [env: CYI_ENV]' -r
complete -c cyi -n "__fish_cyi_using_subcommand start-cluster" -l config -d 'Config file [default: $CYI_CONFIG, ./cyi.toml, ~/.config/cyi/config.toml]' -r -F
complete -c cyi -n "__fish_cyi_using_subcommand start-cluster" -l region -d 'AWS region (overrides the environment\'s)' -r
complete -c cyi -n "__fish_cyi_using_subcommand start-cluster" -l profile -d 'AWS shared-config profile (overrides the environment\'s)' -r
complete -c cyi -n "__fish_cyi_using_subcommand start-cluster" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. a local sandbox (overrides the environment\'s)' -r
complete -c cyi -n "__fish_cyi_using_subcommand start-cluster" -l confirm-env -d 'Name the protected environment being changed, in place of typing it at the prompt' -r
complete -c cyi -n "__fish_cyi_using_subcommand start-cluster" -l output -d 'Output format: a table for people, or one JSON document on stdout' -r -f -a "table\t''
json\t''"
complete -c cyi -n "__fish_cyi_using_subcommand start-cluster" -l force -d 'Launch even when a check fails (a finished or running run, no input data)'
complete -c cyi -n "__fish_cyi_using_subcommand start-cluster" -l wait -d 'After launch, follow the cluster until it is WAITING/RUNNING or has ended'
complete -c cyi -n "__fish_cyi_using_subcommand start-cluster" -s y -l yes -d 'Answer yes to confirmations (a protected environment also needs --confirm-env)'
complete -c cyi -n "__fish_cyi_using_subcommand start-cluster" -l dry-run -d 'Show what would be done and change nothing'
complete -c cyi -n "__fish_cyi_using_subcommand start-cluster" -s v -l verbose -d 'Show each AWS call on stderr'
complete -c cyi -n "__fish_cyi_using_subcommand start-cluster" -s h -l help -d 'Print help'
complete -c cyi -n "__fish_cyi_using_subcommand start-cluster" -s V -l version -d 'Print version'
complete -c cyi -n "__fish_cyi_using_subcommand status" -l correlation-id -d 'Show this run: its state row, its cluster, the cluster\'s steps and what to do next' -r
complete -c cyi -n "__fish_cyi_using_subcommand status" -l env -d 'Environment to act on, from the config file (e.g. dev, production) [env: CYI_ENV]' -r
complete -c cyi -n "__fish_cyi_using_subcommand status" -l config -d 'Config file [default: $CYI_CONFIG, ./cyi.toml, ~/.config/cyi/config.toml]' -r -F
complete -c cyi -n "__fish_cyi_using_subcommand status" -l region -d 'AWS region (overrides the environment\'s)' -r
complete -c cyi -n "__fish_cyi_using_subcommand status" -l profile -d 'AWS shared-config profile (overrides the environment\'s)' -r
complete -c cyi -n "__fish_cyi_using_subcommand status" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. a local sandbox (overrides the environment\'s)' -r
complete -c cyi -n "__fish_cyi_using_subcommand status" -l confirm-env -d 'Name the protected environment being changed, in place of typing it at the prompt' -r
complete -c cyi -n "__fish_cyi_using_subcommand status" -l output -d 'Output format: a table for people, or one JSON document on stdout' -r -f -a "table\t''
json\t''"
complete -c cyi -n "__fish_cyi_using_subcommand status" -l all-envs -d 'The overview of every environment in the config file, queried concurrently'
complete -c cyi -n "__fish_cyi_using_subcommand status" -s y -l yes -d 'Answer yes to confirmations (a protected environment also needs --confirm-env)'
complete -c cyi -n "__fish_cyi_using_subcommand status" -l dry-run -d 'Show what would be done and change nothing'
complete -c cyi -n "__fish_cyi_using_subcommand status" -s v -l verbose -d 'Show each AWS call on stderr'
complete -c cyi -n "__fish_cyi_using_subcommand status" -s h -l help -d 'Print help'
complete -c cyi -n "__fish_cyi_using_subcommand status" -s V -l version -d 'Print version'
complete -c cyi -n "__fish_cyi_using_subcommand logs" -l correlation-id -d 'The run whose logs to show: its row\'s cluster, else the newest cluster tagged with it' -r
complete -c cyi -n "__fish_cyi_using_subcommand logs" -l cluster-id -d 'The cluster whose logs to show' -r
complete -c cyi -n "__fish_cyi_using_subcommand logs" -l step -d 'The step, by name or step id [default: the failed step, else the row\'s CurrentStep, else the last]' -r
complete -c cyi -n "__fish_cyi_using_subcommand logs" -l file -d 'Which of the step\'s log files' -r -f -a "stderr\t''
stdout\t''
controller\t''
syslog\t''"
complete -c cyi -n "__fish_cyi_using_subcommand logs" -l lines -d 'How many lines from the end' -r
complete -c cyi -n "__fish_cyi_using_subcommand logs" -l env -d 'Environment to act on, from the config file (e.g. dev, production) [env: CYI_ENV]' -r
complete -c cyi -n "__fish_cyi_using_subcommand logs" -l config -d 'Config file [default: $CYI_CONFIG, ./cyi.toml, ~/.config/cyi/config.toml]' -r -F
complete -c cyi -n "__fish_cyi_using_subcommand logs" -l region -d 'AWS region (overrides the environment\'s)' -r
complete -c cyi -n "__fish_cyi_using_subcommand logs" -l profile -d 'AWS shared-config profile (overrides the environment\'s)' -r
complete -c cyi -n "__fish_cyi_using_subcommand logs" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. a local sandbox (overrides the environment\'s)' -r
complete -c cyi -n "__fish_cyi_using_subcommand logs" -l confirm-env -d 'Name the protected environment being changed, in place of typing it at the prompt' -r
complete -c cyi -n "__fish_cyi_using_subcommand logs" -l output -d 'Output format: a table for people, or one JSON document on stdout' -r -f -a "table\t''
json\t''"
complete -c cyi -n "__fish_cyi_using_subcommand logs" -l all -d 'The whole file, streamed (not only its end)'
complete -c cyi -n "__fish_cyi_using_subcommand logs" -s y -l yes -d 'Answer yes to confirmations (a protected environment also needs --confirm-env)'
complete -c cyi -n "__fish_cyi_using_subcommand logs" -l dry-run -d 'Show what would be done and change nothing'
complete -c cyi -n "__fish_cyi_using_subcommand logs" -s v -l verbose -d 'Show each AWS call on stderr'
complete -c cyi -n "__fish_cyi_using_subcommand logs" -s h -l help -d 'Print help'
complete -c cyi -n "__fish_cyi_using_subcommand logs" -s V -l version -d 'Print version'
complete -c cyi -n "__fish_cyi_using_subcommand history" -l since -d 'The window: days (7d) or hours (12h) back, or from a date (2026-11-01, UTC)' -r
complete -c cyi -n "__fish_cyi_using_subcommand history" -l limit -d 'Show at most this many runs, newest first' -r
complete -c cyi -n "__fish_cyi_using_subcommand history" -l env -d 'Environment to act on, from the config file (e.g. dev, production) [env: CYI_ENV]' -r
complete -c cyi -n "__fish_cyi_using_subcommand history" -l config -d 'Config file [default: $CYI_CONFIG, ./cyi.toml, ~/.config/cyi/config.toml]' -r -F
complete -c cyi -n "__fish_cyi_using_subcommand history" -l region -d 'AWS region (overrides the environment\'s)' -r
complete -c cyi -n "__fish_cyi_using_subcommand history" -l profile -d 'AWS shared-config profile (overrides the environment\'s)' -r
complete -c cyi -n "__fish_cyi_using_subcommand history" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. a local sandbox (overrides the environment\'s)' -r
complete -c cyi -n "__fish_cyi_using_subcommand history" -l confirm-env -d 'Name the protected environment being changed, in place of typing it at the prompt' -r
complete -c cyi -n "__fish_cyi_using_subcommand history" -l output -d 'Output format: a table for people, or one JSON document on stdout' -r -f -a "table\t''
json\t''"
complete -c cyi -n "__fish_cyi_using_subcommand history" -l failed -d 'Only runs that failed'
complete -c cyi -n "__fish_cyi_using_subcommand history" -s y -l yes -d 'Answer yes to confirmations (a protected environment also needs --confirm-env)'
complete -c cyi -n "__fish_cyi_using_subcommand history" -l dry-run -d 'Show what would be done and change nothing'
complete -c cyi -n "__fish_cyi_using_subcommand history" -s v -l verbose -d 'Show each AWS call on stderr'
complete -c cyi -n "__fish_cyi_using_subcommand history" -s h -l help -d 'Print help'
complete -c cyi -n "__fish_cyi_using_subcommand history" -s V -l version -d 'Print version'
complete -c cyi -n "__fish_cyi_using_subcommand restart" -l correlation-id -d 'The run to restart; its state row gives the export date (`Date`)' -r
complete -c cyi -n "__fish_cyi_using_subcommand restart" -l input-bucket -d 'Bucket holding the input files (overrides the environment\'s input_bucket)' -r
complete -c cyi -n "__fish_cyi_using_subcommand restart" -l cluster-config -d 'The launcher\'s four YAML files (overrides the environment\'s cluster_config)' -r
complete -c cyi -n "__fish_cyi_using_subcommand restart" -l archive -d 'With --fresh: the archive file [default: $XDG_STATE_HOME/cyi/archive.jsonl, ~/.local/state/cyi/archive.jsonl]' -r -F
complete -c cyi -n "__fish_cyi_using_subcommand restart" -l timeout -d 'How long --wait follows the cluster' -r
complete -c cyi -n "__fish_cyi_using_subcommand restart" -l env -d 'Environment to act on, from the config file (e.g. dev, production) [env: CYI_ENV]' -r
complete -c cyi -n "__fish_cyi_using_subcommand restart" -l config -d 'Config file [default: $CYI_CONFIG, ./cyi.toml, ~/.config/cyi/config.toml]' -r -F
complete -c cyi -n "__fish_cyi_using_subcommand restart" -l region -d 'AWS region (overrides the environment\'s)' -r
complete -c cyi -n "__fish_cyi_using_subcommand restart" -l profile -d 'AWS shared-config profile (overrides the environment\'s)' -r
complete -c cyi -n "__fish_cyi_using_subcommand restart" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. a local sandbox (overrides the environment\'s)' -r
complete -c cyi -n "__fish_cyi_using_subcommand restart" -l confirm-env -d 'Name the protected environment being changed, in place of typing it at the prompt' -r
complete -c cyi -n "__fish_cyi_using_subcommand restart" -l output -d 'Output format: a table for people, or one JSON document on stdout' -r -f -a "table\t''
json\t''"
complete -c cyi -n "__fish_cyi_using_subcommand restart" -l fresh -d 'Clear the row first (archived, as clear-row does), so the run begins from the first step'
complete -c cyi -n "__fish_cyi_using_subcommand restart" -l wait -d 'After launch, follow the cluster until it is WAITING/RUNNING or has ended'
complete -c cyi -n "__fish_cyi_using_subcommand restart" -s y -l yes -d 'Answer yes to confirmations (a protected environment also needs --confirm-env)'
complete -c cyi -n "__fish_cyi_using_subcommand restart" -l dry-run -d 'Show what would be done and change nothing'
complete -c cyi -n "__fish_cyi_using_subcommand restart" -s v -l verbose -d 'Show each AWS call on stderr'
complete -c cyi -n "__fish_cyi_using_subcommand restart" -s h -l help -d 'Print help'
complete -c cyi -n "__fish_cyi_using_subcommand restart" -s V -l version -d 'Print version'
complete -c cyi -n "__fish_cyi_using_subcommand stop-clusters" -l cluster-id -d 'Stop only this cluster (repeatable); it must exist, be active and have the environment\'s cluster name' -r
complete -c cyi -n "__fish_cyi_using_subcommand stop-clusters" -l correlation-id -d 'Stop only the clusters tagged Correlation_Id=ID' -r
complete -c cyi -n "__fish_cyi_using_subcommand stop-clusters" -l name-regex -d 'Match cluster names with this regular expression instead of the exact cluster name (opt-in; not anchored)' -r
complete -c cyi -n "__fish_cyi_using_subcommand stop-clusters" -l timeout -d 'With --wait: give up after this many seconds' -r
complete -c cyi -n "__fish_cyi_using_subcommand stop-clusters" -l env -d 'Environment to act on, from the config file (e.g. dev, production) [env: CYI_ENV]' -r
complete -c cyi -n "__fish_cyi_using_subcommand stop-clusters" -l config -d 'Config file [default: $CYI_CONFIG, ./cyi.toml, ~/.config/cyi/config.toml]' -r -F
complete -c cyi -n "__fish_cyi_using_subcommand stop-clusters" -l region -d 'AWS region (overrides the environment\'s)' -r
complete -c cyi -n "__fish_cyi_using_subcommand stop-clusters" -l profile -d 'AWS shared-config profile (overrides the environment\'s)' -r
complete -c cyi -n "__fish_cyi_using_subcommand stop-clusters" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. a local sandbox (overrides the environment\'s)' -r
complete -c cyi -n "__fish_cyi_using_subcommand stop-clusters" -l confirm-env -d 'Name the protected environment being changed, in place of typing it at the prompt' -r
complete -c cyi -n "__fish_cyi_using_subcommand stop-clusters" -l output -d 'Output format: a table for people, or one JSON document on stdout' -r -f -a "table\t''
json\t''"
complete -c cyi -n "__fish_cyi_using_subcommand stop-clusters" -l force -d 'Remove termination protection from protected targets and terminate them too'
complete -c cyi -n "__fish_cyi_using_subcommand stop-clusters" -l wait -d 'Wait until every target is TERMINATED (or TERMINATED_WITH_ERRORS)'
complete -c cyi -n "__fish_cyi_using_subcommand stop-clusters" -s y -l yes -d 'Answer yes to confirmations (a protected environment also needs --confirm-env)'
complete -c cyi -n "__fish_cyi_using_subcommand stop-clusters" -l dry-run -d 'Show what would be done and change nothing'
complete -c cyi -n "__fish_cyi_using_subcommand stop-clusters" -s v -l verbose -d 'Show each AWS call on stderr'
complete -c cyi -n "__fish_cyi_using_subcommand stop-clusters" -s h -l help -d 'Print help'
complete -c cyi -n "__fish_cyi_using_subcommand stop-clusters" -s V -l version -d 'Print version'
complete -c cyi -n "__fish_cyi_using_subcommand clear-row" -l correlation-id -d 'The run\'s correlation id, exactly as stored (quotes, spaces and unicode are kept)' -r
complete -c cyi -n "__fish_cyi_using_subcommand clear-row" -l data-product -d 'The row\'s DataProduct [default: the environment\'s data_product, CYI]' -r
complete -c cyi -n "__fish_cyi_using_subcommand clear-row" -l archive -d 'Archive file [default: $XDG_STATE_HOME/cyi/archive.jsonl, ~/.local/state/cyi/archive.jsonl]' -r -F
complete -c cyi -n "__fish_cyi_using_subcommand clear-row" -l env -d 'Environment to act on, from the config file (e.g. dev, production) [env: CYI_ENV]' -r
complete -c cyi -n "__fish_cyi_using_subcommand clear-row" -l config -d 'Config file [default: $CYI_CONFIG, ./cyi.toml, ~/.config/cyi/config.toml]' -r -F
complete -c cyi -n "__fish_cyi_using_subcommand clear-row" -l region -d 'AWS region (overrides the environment\'s)' -r
complete -c cyi -n "__fish_cyi_using_subcommand clear-row" -l profile -d 'AWS shared-config profile (overrides the environment\'s)' -r
complete -c cyi -n "__fish_cyi_using_subcommand clear-row" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. a local sandbox (overrides the environment\'s)' -r
complete -c cyi -n "__fish_cyi_using_subcommand clear-row" -l confirm-env -d 'Name the protected environment being changed, in place of typing it at the prompt' -r
complete -c cyi -n "__fish_cyi_using_subcommand clear-row" -l output -d 'Output format: a table for people, or one JSON document on stdout' -r -f -a "table\t''
json\t''"
complete -c cyi -n "__fish_cyi_using_subcommand clear-row" -l if-exists -d 'Succeed (exit 0) when there is no such row'
complete -c cyi -n "__fish_cyi_using_subcommand clear-row" -l force -d 'Clear even while the row is IN_PROGRESS and its cluster is still active'
complete -c cyi -n "__fish_cyi_using_subcommand clear-row" -s y -l yes -d 'Answer yes to confirmations (a protected environment also needs --confirm-env)'
complete -c cyi -n "__fish_cyi_using_subcommand clear-row" -l dry-run -d 'Show what would be done and change nothing'
complete -c cyi -n "__fish_cyi_using_subcommand clear-row" -s v -l verbose -d 'Show each AWS call on stderr'
complete -c cyi -n "__fish_cyi_using_subcommand clear-row" -s h -l help -d 'Print help'
complete -c cyi -n "__fish_cyi_using_subcommand clear-row" -s V -l version -d 'Print version'
complete -c cyi -n "__fish_cyi_using_subcommand restore-row" -l correlation-id -d 'Restore the latest archived deletion of this correlation id (with --list: show only its entries)' -r
complete -c cyi -n "__fish_cyi_using_subcommand restore-row" -l data-product -d 'The row\'s DataProduct [default: the environment\'s data_product, CYI]' -r
complete -c cyi -n "__fish_cyi_using_subcommand restore-row" -l id -d 'Restore this archive entry (its id as `--list` shows it)' -r
complete -c cyi -n "__fish_cyi_using_subcommand restore-row" -l archive -d 'Archive file [default: $XDG_STATE_HOME/cyi/archive.jsonl, ~/.local/state/cyi/archive.jsonl]' -r -F
complete -c cyi -n "__fish_cyi_using_subcommand restore-row" -l env -d 'Environment to act on, from the config file (e.g. dev, production) [env: CYI_ENV]' -r
complete -c cyi -n "__fish_cyi_using_subcommand restore-row" -l config -d 'Config file [default: $CYI_CONFIG, ./cyi.toml, ~/.config/cyi/config.toml]' -r -F
complete -c cyi -n "__fish_cyi_using_subcommand restore-row" -l region -d 'AWS region (overrides the environment\'s)' -r
complete -c cyi -n "__fish_cyi_using_subcommand restore-row" -l profile -d 'AWS shared-config profile (overrides the environment\'s)' -r
complete -c cyi -n "__fish_cyi_using_subcommand restore-row" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. a local sandbox (overrides the environment\'s)' -r
complete -c cyi -n "__fish_cyi_using_subcommand restore-row" -l confirm-env -d 'Name the protected environment being changed, in place of typing it at the prompt' -r
complete -c cyi -n "__fish_cyi_using_subcommand restore-row" -l output -d 'Output format: a table for people, or one JSON document on stdout' -r -f -a "table\t''
json\t''"
complete -c cyi -n "__fish_cyi_using_subcommand restore-row" -l list -d 'Show the archive instead of restoring (no AWS call)'
complete -c cyi -n "__fish_cyi_using_subcommand restore-row" -s y -l yes -d 'Answer yes to confirmations (a protected environment also needs --confirm-env)'
complete -c cyi -n "__fish_cyi_using_subcommand restore-row" -l dry-run -d 'Show what would be done and change nothing'
complete -c cyi -n "__fish_cyi_using_subcommand restore-row" -s v -l verbose -d 'Show each AWS call on stderr'
complete -c cyi -n "__fish_cyi_using_subcommand restore-row" -s h -l help -d 'Print help'
complete -c cyi -n "__fish_cyi_using_subcommand restore-row" -s V -l version -d 'Print version'
complete -c cyi -n "__fish_cyi_using_subcommand rows" -l data-product -d 'The DataProduct whose rows to list [default: the environment\'s data_product, CYI]' -r
complete -c cyi -n "__fish_cyi_using_subcommand rows" -l status -d 'Only rows with this Status' -r -f -a "IN_PROGRESS\t''
COMPLETED\t''
FAILED\t''
CANCELLED\t''"
complete -c cyi -n "__fish_cyi_using_subcommand rows" -l env -d 'Environment to act on, from the config file (e.g. dev, production) [env: CYI_ENV]' -r
complete -c cyi -n "__fish_cyi_using_subcommand rows" -l config -d 'Config file [default: $CYI_CONFIG, ./cyi.toml, ~/.config/cyi/config.toml]' -r -F
complete -c cyi -n "__fish_cyi_using_subcommand rows" -l region -d 'AWS region (overrides the environment\'s)' -r
complete -c cyi -n "__fish_cyi_using_subcommand rows" -l profile -d 'AWS shared-config profile (overrides the environment\'s)' -r
complete -c cyi -n "__fish_cyi_using_subcommand rows" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. a local sandbox (overrides the environment\'s)' -r
complete -c cyi -n "__fish_cyi_using_subcommand rows" -l confirm-env -d 'Name the protected environment being changed, in place of typing it at the prompt' -r
complete -c cyi -n "__fish_cyi_using_subcommand rows" -l output -d 'Output format: a table for people, or one JSON document on stdout' -r -f -a "table\t''
json\t''"
complete -c cyi -n "__fish_cyi_using_subcommand rows" -s y -l yes -d 'Answer yes to confirmations (a protected environment also needs --confirm-env)'
complete -c cyi -n "__fish_cyi_using_subcommand rows" -l dry-run -d 'Show what would be done and change nothing'
complete -c cyi -n "__fish_cyi_using_subcommand rows" -s v -l verbose -d 'Show each AWS call on stderr'
complete -c cyi -n "__fish_cyi_using_subcommand rows" -s h -l help -d 'Print help'
complete -c cyi -n "__fish_cyi_using_subcommand rows" -s V -l version -d 'Print version'
complete -c cyi -n "__fish_cyi_using_subcommand clusters" -l env -d 'Environment to act on, from the config file (e.g. dev, production) [env: CYI_ENV]' -r
complete -c cyi -n "__fish_cyi_using_subcommand clusters" -l config -d 'Config file [default: $CYI_CONFIG, ./cyi.toml, ~/.config/cyi/config.toml]' -r -F
complete -c cyi -n "__fish_cyi_using_subcommand clusters" -l region -d 'AWS region (overrides the environment\'s)' -r
complete -c cyi -n "__fish_cyi_using_subcommand clusters" -l profile -d 'AWS shared-config profile (overrides the environment\'s)' -r
complete -c cyi -n "__fish_cyi_using_subcommand clusters" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. a local sandbox (overrides the environment\'s)' -r
complete -c cyi -n "__fish_cyi_using_subcommand clusters" -l confirm-env -d 'Name the protected environment being changed, in place of typing it at the prompt' -r
complete -c cyi -n "__fish_cyi_using_subcommand clusters" -l output -d 'Output format: a table for people, or one JSON document on stdout' -r -f -a "table\t''
json\t''"
complete -c cyi -n "__fish_cyi_using_subcommand clusters" -s y -l yes -d 'Answer yes to confirmations (a protected environment also needs --confirm-env)'
complete -c cyi -n "__fish_cyi_using_subcommand clusters" -l dry-run -d 'Show what would be done and change nothing'
complete -c cyi -n "__fish_cyi_using_subcommand clusters" -s v -l verbose -d 'Show each AWS call on stderr'
complete -c cyi -n "__fish_cyi_using_subcommand clusters" -s h -l help -d 'Print help'
complete -c cyi -n "__fish_cyi_using_subcommand clusters" -s V -l version -d 'Print version'
complete -c cyi -n "__fish_cyi_using_subcommand completions" -l env -d 'Environment to act on, from the config file (e.g. dev, production) [env: CYI_ENV]' -r
complete -c cyi -n "__fish_cyi_using_subcommand completions" -l config -d 'Config file [default: $CYI_CONFIG, ./cyi.toml, ~/.config/cyi/config.toml]' -r -F
complete -c cyi -n "__fish_cyi_using_subcommand completions" -l region -d 'AWS region (overrides the environment\'s)' -r
complete -c cyi -n "__fish_cyi_using_subcommand completions" -l profile -d 'AWS shared-config profile (overrides the environment\'s)' -r
complete -c cyi -n "__fish_cyi_using_subcommand completions" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. a local sandbox (overrides the environment\'s)' -r
complete -c cyi -n "__fish_cyi_using_subcommand completions" -l confirm-env -d 'Name the protected environment being changed, in place of typing it at the prompt' -r
complete -c cyi -n "__fish_cyi_using_subcommand completions" -l output -d 'Output format: a table for people, or one JSON document on stdout' -r -f -a "table\t''
json\t''"
complete -c cyi -n "__fish_cyi_using_subcommand completions" -s y -l yes -d 'Answer yes to confirmations (a protected environment also needs --confirm-env)'
complete -c cyi -n "__fish_cyi_using_subcommand completions" -l dry-run -d 'Show what would be done and change nothing'
complete -c cyi -n "__fish_cyi_using_subcommand completions" -s v -l verbose -d 'Show each AWS call on stderr'
complete -c cyi -n "__fish_cyi_using_subcommand completions" -s h -l help -d 'Print help'
complete -c cyi -n "__fish_cyi_using_subcommand completions" -s V -l version -d 'Print version'
complete -c cyi -n "__fish_cyi_using_subcommand help; and not __fish_seen_subcommand_from start-cluster status logs history restart stop-clusters clear-row restore-row rows clusters completions help" -f -a "start-cluster" -d 'Launch the CYI cluster for an export date, as the launcher would, after checking the run'
complete -c cyi -n "__fish_cyi_using_subcommand help; and not __fish_seen_subcommand_from start-cluster status logs history restart stop-clusters clear-row restore-row rows clusters completions help" -f -a "status" -d 'Where a run is or where it failed, and what to do next; without an id, the whole environment (read-only)'
complete -c cyi -n "__fish_cyi_using_subcommand help; and not __fish_seen_subcommand_from start-cluster status logs history restart stop-clusters clear-row restore-row rows clusters completions help" -f -a "logs" -d 'The tail of a run\'s step log from S3 (the failed step\'s stderr by default), read-only'
complete -c cyi -n "__fish_cyi_using_subcommand help; and not __fish_seen_subcommand_from start-cluster status logs history restart stop-clusters clear-row restore-row rows clusters completions help" -f -a "history" -d 'Past clusters of the product: how each run ended, how long it took, what it cost (read-only)'
complete -c cyi -n "__fish_cyi_using_subcommand help; and not __fish_seen_subcommand_from start-cluster status logs history restart stop-clusters clear-row restore-row rows clusters completions help" -f -a "restart" -d 'Start a run again: resume from its failed step, or with --fresh from the first step'
complete -c cyi -n "__fish_cyi_using_subcommand help; and not __fish_seen_subcommand_from start-cluster status logs history restart stop-clusters clear-row restore-row rows clusters completions help" -f -a "stop-clusters" -d 'Terminate the environment\'s active CYI clusters (shows the plan and asks first)'
complete -c cyi -n "__fish_cyi_using_subcommand help; and not __fish_seen_subcommand_from start-cluster status logs history restart stop-clusters clear-row restore-row rows clusters completions help" -f -a "clear-row" -d 'Clear a run\'s state row, after archiving it locally (undo with restore-row)'
complete -c cyi -n "__fish_cyi_using_subcommand help; and not __fish_seen_subcommand_from start-cluster status logs history restart stop-clusters clear-row restore-row rows clusters completions help" -f -a "restore-row" -d 'Put a cleared row back from the local archive, or list the archive'
complete -c cyi -n "__fish_cyi_using_subcommand help; and not __fish_seen_subcommand_from start-cluster status logs history restart stop-clusters clear-row restore-row rows clusters completions help" -f -a "rows" -d 'List the data product\'s state rows, newest first (read-only)'
complete -c cyi -n "__fish_cyi_using_subcommand help; and not __fish_seen_subcommand_from start-cluster status logs history restart stop-clusters clear-row restore-row rows clusters completions help" -f -a "clusters" -d 'List the environment\'s active CYI clusters (read-only)'
complete -c cyi -n "__fish_cyi_using_subcommand help; and not __fish_seen_subcommand_from start-cluster status logs history restart stop-clusters clear-row restore-row rows clusters completions help" -f -a "completions" -d 'Print shell completions'
complete -c cyi -n "__fish_cyi_using_subcommand help; and not __fish_seen_subcommand_from start-cluster status logs history restart stop-clusters clear-row restore-row rows clusters completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
