
use builtin;
use str;

set edit:completion:arg-completer[cyi] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'cyi'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'cyi'= {
            cand --env 'Environment to act on, from the config file (e.g. dev, production) [env: CYI_ENV]'
            cand --config 'Config file [default: $CYI_CONFIG, ./cyi.toml, ~/.config/cyi/config.toml]'
            cand --region 'AWS region (overrides the environment''s)'
            cand --profile 'AWS shared-config profile (overrides the environment''s)'
            cand --endpoint-url 'Send every AWS call to this endpoint, e.g. a local sandbox (overrides the environment''s)'
            cand --confirm-env 'Name the protected environment being changed, in place of typing it at the prompt'
            cand --output 'Output format: a table for people, or one JSON document on stdout'
            cand -y 'Answer yes to confirmations (a protected environment also needs --confirm-env)'
            cand --yes 'Answer yes to confirmations (a protected environment also needs --confirm-env)'
            cand --dry-run 'Show what would be done and change nothing'
            cand -v 'Show each AWS call on stderr'
            cand --verbose 'Show each AWS call on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand start-cluster 'Launch the CYI cluster for an export date, as the launcher would, after checking the run'
            cand status 'Where a run is or where it failed, and what to do next; without an id, the whole environment (read-only)'
            cand logs 'The tail of a run''s step log from S3 (the failed step''s stderr by default), read-only'
            cand history 'Past clusters of the product: how each run ended, how long it took, what it cost (read-only)'
            cand restart 'Start a run again: resume from its failed step, or with --fresh from the first step'
            cand stop-clusters 'Terminate the environment''s active CYI clusters (shows the plan and asks first)'
            cand clear-row 'Clear a run''s state row, after archiving it locally (undo with restore-row)'
            cand restore-row 'Put a cleared row back from the local archive, or list the archive'
            cand rows 'List the data product''s state rows, newest first (read-only)'
            cand clusters 'List the environment''s active CYI clusters (read-only)'
            cand completions 'Print shell completions'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cyi;start-cluster'= {
            cand --export-date 'The day whose files to load'
            cand --correlation-id 'The run''s id: the state row''s key and the cluster''s Correlation_Id tag'
            cand --start-date 'Load every day from this one up to the export date (a historical backfill)'
            cand --s3-prefix 'Input prefix handed to the steps [default: <cluster_name>/<export-date>]'
            cand --input-bucket 'Bucket holding the input files (overrides the environment''s input_bucket)'
            cand --cluster-config 'The launcher''s four YAML files (overrides the environment''s cluster_config)'
            cand --timeout 'How long --wait follows the cluster'
            cand --env 'Environment to act on, from the config file (e.g. dev, production) [env: CYI_ENV]'
            cand --config 'Config file [default: $CYI_CONFIG, ./cyi.toml, ~/.config/cyi/config.toml]'
            cand --region 'AWS region (overrides the environment''s)'
            cand --profile 'AWS shared-config profile (overrides the environment''s)'
            cand --endpoint-url 'Send every AWS call to this endpoint, e.g. a local sandbox (overrides the environment''s)'
            cand --confirm-env 'Name the protected environment being changed, in place of typing it at the prompt'
            cand --output 'Output format: a table for people, or one JSON document on stdout'
            cand --force 'Launch even when a check fails (a finished or running run, no input data)'
            cand --wait 'After launch, follow the cluster until it is WAITING/RUNNING or has ended'
            cand -y 'Answer yes to confirmations (a protected environment also needs --confirm-env)'
            cand --yes 'Answer yes to confirmations (a protected environment also needs --confirm-env)'
            cand --dry-run 'Show what would be done and change nothing'
            cand -v 'Show each AWS call on stderr'
            cand --verbose 'Show each AWS call on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cyi;status'= {
            cand --correlation-id 'Show this run: its state row, its cluster, the cluster''s steps and what to do next'
            cand --env 'Environment to act on, from the config file (e.g. dev, production) [env: CYI_ENV]'
            cand --config 'Config file [default: $CYI_CONFIG, ./cyi.toml, ~/.config/cyi/config.toml]'
            cand --region 'AWS region (overrides the environment''s)'
            cand --profile 'AWS shared-config profile (overrides the environment''s)'
            cand --endpoint-url 'Send every AWS call to this endpoint, e.g. a local sandbox (overrides the environment''s)'
            cand --confirm-env 'Name the protected environment being changed, in place of typing it at the prompt'
            cand --output 'Output format: a table for people, or one JSON document on stdout'
            cand --all-envs 'The overview of every environment in the config file, queried concurrently'
            cand -y 'Answer yes to confirmations (a protected environment also needs --confirm-env)'
            cand --yes 'Answer yes to confirmations (a protected environment also needs --confirm-env)'
            cand --dry-run 'Show what would be done and change nothing'
            cand -v 'Show each AWS call on stderr'
            cand --verbose 'Show each AWS call on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cyi;logs'= {
            cand --correlation-id 'The run whose logs to show: its row''s cluster, else the newest cluster tagged with it'
            cand --cluster-id 'The cluster whose logs to show'
            cand --step 'The step, by name or step id [default: the failed step, else the row''s CurrentStep, else the last]'
            cand --file 'Which of the step''s log files'
            cand --lines 'How many lines from the end'
            cand --env 'Environment to act on, from the config file (e.g. dev, production) [env: CYI_ENV]'
            cand --config 'Config file [default: $CYI_CONFIG, ./cyi.toml, ~/.config/cyi/config.toml]'
            cand --region 'AWS region (overrides the environment''s)'
            cand --profile 'AWS shared-config profile (overrides the environment''s)'
            cand --endpoint-url 'Send every AWS call to this endpoint, e.g. a local sandbox (overrides the environment''s)'
            cand --confirm-env 'Name the protected environment being changed, in place of typing it at the prompt'
            cand --output 'Output format: a table for people, or one JSON document on stdout'
            cand --all 'The whole file, streamed (not only its end)'
            cand -y 'Answer yes to confirmations (a protected environment also needs --confirm-env)'
            cand --yes 'Answer yes to confirmations (a protected environment also needs --confirm-env)'
            cand --dry-run 'Show what would be done and change nothing'
            cand -v 'Show each AWS call on stderr'
            cand --verbose 'Show each AWS call on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cyi;history'= {
            cand --since 'The window: days (7d) or hours (12h) back, or from a date (2026-11-01, UTC)'
            cand --limit 'Show at most this many runs, newest first'
            cand --env 'Environment to act on, from the config file (e.g. dev, production) [env: CYI_ENV]'
            cand --config 'Config file [default: $CYI_CONFIG, ./cyi.toml, ~/.config/cyi/config.toml]'
            cand --region 'AWS region (overrides the environment''s)'
            cand --profile 'AWS shared-config profile (overrides the environment''s)'
            cand --endpoint-url 'Send every AWS call to this endpoint, e.g. a local sandbox (overrides the environment''s)'
            cand --confirm-env 'Name the protected environment being changed, in place of typing it at the prompt'
            cand --output 'Output format: a table for people, or one JSON document on stdout'
            cand --failed 'Only runs that failed'
            cand -y 'Answer yes to confirmations (a protected environment also needs --confirm-env)'
            cand --yes 'Answer yes to confirmations (a protected environment also needs --confirm-env)'
            cand --dry-run 'Show what would be done and change nothing'
            cand -v 'Show each AWS call on stderr'
            cand --verbose 'Show each AWS call on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cyi;restart'= {
            cand --correlation-id 'The run to restart; its state row gives the export date (`Date`)'
            cand --input-bucket 'Bucket holding the input files (overrides the environment''s input_bucket)'
            cand --cluster-config 'The launcher''s four YAML files (overrides the environment''s cluster_config)'
            cand --archive 'With --fresh: the archive file [default: $XDG_STATE_HOME/cyi/archive.jsonl, ~/.local/state/cyi/archive.jsonl]'
            cand --timeout 'How long --wait follows the cluster'
            cand --env 'Environment to act on, from the config file (e.g. dev, production) [env: CYI_ENV]'
            cand --config 'Config file [default: $CYI_CONFIG, ./cyi.toml, ~/.config/cyi/config.toml]'
            cand --region 'AWS region (overrides the environment''s)'
            cand --profile 'AWS shared-config profile (overrides the environment''s)'
            cand --endpoint-url 'Send every AWS call to this endpoint, e.g. a local sandbox (overrides the environment''s)'
            cand --confirm-env 'Name the protected environment being changed, in place of typing it at the prompt'
            cand --output 'Output format: a table for people, or one JSON document on stdout'
            cand --fresh 'Clear the row first (archived, as clear-row does), so the run begins from the first step'
            cand --wait 'After launch, follow the cluster until it is WAITING/RUNNING or has ended'
            cand -y 'Answer yes to confirmations (a protected environment also needs --confirm-env)'
            cand --yes 'Answer yes to confirmations (a protected environment also needs --confirm-env)'
            cand --dry-run 'Show what would be done and change nothing'
            cand -v 'Show each AWS call on stderr'
            cand --verbose 'Show each AWS call on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cyi;stop-clusters'= {
            cand --cluster-id 'Stop only this cluster (repeatable); it must exist, be active and have the environment''s cluster name'
            cand --correlation-id 'Stop only the clusters tagged Correlation_Id=ID'
            cand --name-regex 'Match cluster names with this regular expression instead of the exact cluster name (opt-in; not anchored)'
            cand --timeout 'With --wait: give up after this many seconds'
            cand --env 'Environment to act on, from the config file (e.g. dev, production) [env: CYI_ENV]'
            cand --config 'Config file [default: $CYI_CONFIG, ./cyi.toml, ~/.config/cyi/config.toml]'
            cand --region 'AWS region (overrides the environment''s)'
            cand --profile 'AWS shared-config profile (overrides the environment''s)'
            cand --endpoint-url 'Send every AWS call to this endpoint, e.g. a local sandbox (overrides the environment''s)'
            cand --confirm-env 'Name the protected environment being changed, in place of typing it at the prompt'
            cand --output 'Output format: a table for people, or one JSON document on stdout'
            cand --force 'Remove termination protection from protected targets and terminate them too'
            cand --wait 'Wait until every target is TERMINATED (or TERMINATED_WITH_ERRORS)'
            cand -y 'Answer yes to confirmations (a protected environment also needs --confirm-env)'
            cand --yes 'Answer yes to confirmations (a protected environment also needs --confirm-env)'
            cand --dry-run 'Show what would be done and change nothing'
            cand -v 'Show each AWS call on stderr'
            cand --verbose 'Show each AWS call on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cyi;clear-row'= {
            cand --correlation-id 'The run''s correlation id, exactly as stored (quotes, spaces and unicode are kept)'
            cand --data-product 'The row''s DataProduct [default: the environment''s data_product, CYI]'
            cand --archive 'Archive file [default: $XDG_STATE_HOME/cyi/archive.jsonl, ~/.local/state/cyi/archive.jsonl]'
            cand --env 'Environment to act on, from the config file (e.g. dev, production) [env: CYI_ENV]'
            cand --config 'Config file [default: $CYI_CONFIG, ./cyi.toml, ~/.config/cyi/config.toml]'
            cand --region 'AWS region (overrides the environment''s)'
            cand --profile 'AWS shared-config profile (overrides the environment''s)'
            cand --endpoint-url 'Send every AWS call to this endpoint, e.g. a local sandbox (overrides the environment''s)'
            cand --confirm-env 'Name the protected environment being changed, in place of typing it at the prompt'
            cand --output 'Output format: a table for people, or one JSON document on stdout'
            cand --if-exists 'Succeed (exit 0) when there is no such row'
            cand --force 'Clear even while the row is IN_PROGRESS and its cluster is still active'
            cand -y 'Answer yes to confirmations (a protected environment also needs --confirm-env)'
            cand --yes 'Answer yes to confirmations (a protected environment also needs --confirm-env)'
            cand --dry-run 'Show what would be done and change nothing'
            cand -v 'Show each AWS call on stderr'
            cand --verbose 'Show each AWS call on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cyi;restore-row'= {
            cand --correlation-id 'Restore the latest archived deletion of this correlation id (with --list: show only its entries)'
            cand --data-product 'The row''s DataProduct [default: the environment''s data_product, CYI]'
            cand --id 'Restore this archive entry (its id as `--list` shows it)'
            cand --archive 'Archive file [default: $XDG_STATE_HOME/cyi/archive.jsonl, ~/.local/state/cyi/archive.jsonl]'
            cand --env 'Environment to act on, from the config file (e.g. dev, production) [env: CYI_ENV]'
            cand --config 'Config file [default: $CYI_CONFIG, ./cyi.toml, ~/.config/cyi/config.toml]'
            cand --region 'AWS region (overrides the environment''s)'
            cand --profile 'AWS shared-config profile (overrides the environment''s)'
            cand --endpoint-url 'Send every AWS call to this endpoint, e.g. a local sandbox (overrides the environment''s)'
            cand --confirm-env 'Name the protected environment being changed, in place of typing it at the prompt'
            cand --output 'Output format: a table for people, or one JSON document on stdout'
            cand --list 'Show the archive instead of restoring (no AWS call)'
            cand -y 'Answer yes to confirmations (a protected environment also needs --confirm-env)'
            cand --yes 'Answer yes to confirmations (a protected environment also needs --confirm-env)'
            cand --dry-run 'Show what would be done and change nothing'
            cand -v 'Show each AWS call on stderr'
            cand --verbose 'Show each AWS call on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cyi;rows'= {
            cand --data-product 'The DataProduct whose rows to list [default: the environment''s data_product, CYI]'
            cand --status 'Only rows with this Status'
            cand --env 'Environment to act on, from the config file (e.g. dev, production) [env: CYI_ENV]'
            cand --config 'Config file [default: $CYI_CONFIG, ./cyi.toml, ~/.config/cyi/config.toml]'
            cand --region 'AWS region (overrides the environment''s)'
            cand --profile 'AWS shared-config profile (overrides the environment''s)'
            cand --endpoint-url 'Send every AWS call to this endpoint, e.g. a local sandbox (overrides the environment''s)'
            cand --confirm-env 'Name the protected environment being changed, in place of typing it at the prompt'
            cand --output 'Output format: a table for people, or one JSON document on stdout'
            cand -y 'Answer yes to confirmations (a protected environment also needs --confirm-env)'
            cand --yes 'Answer yes to confirmations (a protected environment also needs --confirm-env)'
            cand --dry-run 'Show what would be done and change nothing'
            cand -v 'Show each AWS call on stderr'
            cand --verbose 'Show each AWS call on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cyi;clusters'= {
            cand --env 'Environment to act on, from the config file (e.g. dev, production) [env: CYI_ENV]'
            cand --config 'Config file [default: $CYI_CONFIG, ./cyi.toml, ~/.config/cyi/config.toml]'
            cand --region 'AWS region (overrides the environment''s)'
            cand --profile 'AWS shared-config profile (overrides the environment''s)'
            cand --endpoint-url 'Send every AWS call to this endpoint, e.g. a local sandbox (overrides the environment''s)'
            cand --confirm-env 'Name the protected environment being changed, in place of typing it at the prompt'
            cand --output 'Output format: a table for people, or one JSON document on stdout'
            cand -y 'Answer yes to confirmations (a protected environment also needs --confirm-env)'
            cand --yes 'Answer yes to confirmations (a protected environment also needs --confirm-env)'
            cand --dry-run 'Show what would be done and change nothing'
            cand -v 'Show each AWS call on stderr'
            cand --verbose 'Show each AWS call on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cyi;completions'= {
            cand --env 'Environment to act on, from the config file (e.g. dev, production) [env: CYI_ENV]'
            cand --config 'Config file [default: $CYI_CONFIG, ./cyi.toml, ~/.config/cyi/config.toml]'
            cand --region 'AWS region (overrides the environment''s)'
            cand --profile 'AWS shared-config profile (overrides the environment''s)'
            cand --endpoint-url 'Send every AWS call to this endpoint, e.g. a local sandbox (overrides the environment''s)'
            cand --confirm-env 'Name the protected environment being changed, in place of typing it at the prompt'
            cand --output 'Output format: a table for people, or one JSON document on stdout'
            cand -y 'Answer yes to confirmations (a protected environment also needs --confirm-env)'
            cand --yes 'Answer yes to confirmations (a protected environment also needs --confirm-env)'
            cand --dry-run 'Show what would be done and change nothing'
            cand -v 'Show each AWS call on stderr'
            cand --verbose 'Show each AWS call on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cyi;help'= {
            cand start-cluster 'Launch the CYI cluster for an export date, as the launcher would, after checking the run'
            cand status 'Where a run is or where it failed, and what to do next; without an id, the whole environment (read-only)'
            cand logs 'The tail of a run''s step log from S3 (the failed step''s stderr by default), read-only'
            cand history 'Past clusters of the product: how each run ended, how long it took, what it cost (read-only)'
            cand restart 'Start a run again: resume from its failed step, or with --fresh from the first step'
            cand stop-clusters 'Terminate the environment''s active CYI clusters (shows the plan and asks first)'
            cand clear-row 'Clear a run''s state row, after archiving it locally (undo with restore-row)'
            cand restore-row 'Put a cleared row back from the local archive, or list the archive'
            cand rows 'List the data product''s state rows, newest first (read-only)'
            cand clusters 'List the environment''s active CYI clusters (read-only)'
            cand completions 'Print shell completions'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cyi;help;start-cluster'= {
        }
        &'cyi;help;status'= {
        }
        &'cyi;help;logs'= {
        }
        &'cyi;help;history'= {
        }
        &'cyi;help;restart'= {
        }
        &'cyi;help;stop-clusters'= {
        }
        &'cyi;help;clear-row'= {
        }
        &'cyi;help;restore-row'= {
        }
        &'cyi;help;rows'= {
        }
        &'cyi;help;clusters'= {
        }
        &'cyi;help;completions'= {
        }
        &'cyi;help;help'= {
        }
    ]
    $completions[$command]
}
