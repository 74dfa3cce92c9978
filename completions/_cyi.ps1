
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'cyi' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'cyi'
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
        'cyi' {
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment to act on, from the config file (e.g. dev, production) [env: CYI_ENV]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $CYI_CONFIG, ./cyi.toml, ~/.config/cyi/config.toml]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (overrides the environment''s)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS shared-config profile (overrides the environment''s)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. a local sandbox (overrides the environment''s)')
            [CompletionResult]::new('--confirm-env', '--confirm-env', [CompletionResultType]::ParameterName, 'Name the protected environment being changed, in place of typing it at the prompt')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or one JSON document on stdout')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (a protected environment also needs --confirm-env)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (a protected environment also needs --confirm-env)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be done and change nothing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show each AWS call on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show each AWS call on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('start-cluster', 'start-cluster', [CompletionResultType]::ParameterValue, 'Launch the CYI cluster for an export date, as the launcher would, after checking the run')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Where a run is or where it failed, and what to do next; without an id, the whole environment (read-only)')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'The tail of a run''s step log from S3 (the failed step''s stderr by default), read-only')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'Past clusters of the product: how each run ended, how long it took, what it cost (read-only)')
            [CompletionResult]::new('restart', 'restart', [CompletionResultType]::ParameterValue, 'Start a run again: resume from its failed step, or with --fresh from the first step')
            [CompletionResult]::new('stop-clusters', 'stop-clusters', [CompletionResultType]::ParameterValue, 'Terminate the environment''s active CYI clusters (shows the plan and asks first)')
            [CompletionResult]::new('clear-row', 'clear-row', [CompletionResultType]::ParameterValue, 'Clear a run''s state row, after archiving it locally (undo with restore-row)')
            [CompletionResult]::new('restore-row', 'restore-row', [CompletionResultType]::ParameterValue, 'Put a cleared row back from the local archive, or list the archive')
            [CompletionResult]::new('rows', 'rows', [CompletionResultType]::ParameterValue, 'List the data product''s state rows, newest first (read-only)')
            [CompletionResult]::new('clusters', 'clusters', [CompletionResultType]::ParameterValue, 'List the environment''s active CYI clusters (read-only)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cyi;start-cluster' {
            [CompletionResult]::new('--export-date', '--export-date', [CompletionResultType]::ParameterName, 'The day whose files to load')
            [CompletionResult]::new('--correlation-id', '--correlation-id', [CompletionResultType]::ParameterName, 'The run''s id: the state row''s key and the cluster''s Correlation_Id tag')
            [CompletionResult]::new('--start-date', '--start-date', [CompletionResultType]::ParameterName, 'Load every day from this one up to the export date (a historical backfill)')
            [CompletionResult]::new('--s3-prefix', '--s3-prefix', [CompletionResultType]::ParameterName, 'Input prefix handed to the steps [default: <cluster_name>/<export-date>]')
            [CompletionResult]::new('--input-bucket', '--input-bucket', [CompletionResultType]::ParameterName, 'Bucket holding the input files (overrides the environment''s input_bucket)')
            [CompletionResult]::new('--cluster-config', '--cluster-config', [CompletionResultType]::ParameterName, 'The launcher''s four YAML files (overrides the environment''s cluster_config)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long --wait follows the cluster')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment to act on, from the config file (e.g. dev, production) [env: CYI_ENV]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $CYI_CONFIG, ./cyi.toml, ~/.config/cyi/config.toml]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (overrides the environment''s)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS shared-config profile (overrides the environment''s)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. a local sandbox (overrides the environment''s)')
            [CompletionResult]::new('--confirm-env', '--confirm-env', [CompletionResultType]::ParameterName, 'Name the protected environment being changed, in place of typing it at the prompt')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or one JSON document on stdout')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Launch even when a check fails (a finished or running run, no input data)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'After launch, follow the cluster until it is WAITING/RUNNING or has ended')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (a protected environment also needs --confirm-env)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (a protected environment also needs --confirm-env)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be done and change nothing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show each AWS call on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show each AWS call on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cyi;status' {
            [CompletionResult]::new('--correlation-id', '--correlation-id', [CompletionResultType]::ParameterName, 'Show this run: its state row, its cluster, the cluster''s steps and what to do next')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment to act on, from the config file (e.g. dev, production) [env: CYI_ENV]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $CYI_CONFIG, ./cyi.toml, ~/.config/cyi/config.toml]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (overrides the environment''s)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS shared-config profile (overrides the environment''s)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. a local sandbox (overrides the environment''s)')
            [CompletionResult]::new('--confirm-env', '--confirm-env', [CompletionResultType]::ParameterName, 'Name the protected environment being changed, in place of typing it at the prompt')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or one JSON document on stdout')
            [CompletionResult]::new('--all-envs', '--all-envs', [CompletionResultType]::ParameterName, 'The overview of every environment in the config file, queried concurrently')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (a protected environment also needs --confirm-env)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (a protected environment also needs --confirm-env)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be done and change nothing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show each AWS call on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show each AWS call on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cyi;logs' {
            [CompletionResult]::new('--correlation-id', '--correlation-id', [CompletionResultType]::ParameterName, 'The run whose logs to show: its row''s cluster, else the newest cluster tagged with it')
            [CompletionResult]::new('--cluster-id', '--cluster-id', [CompletionResultType]::ParameterName, 'The cluster whose logs to show')
            [CompletionResult]::new('--step', '--step', [CompletionResultType]::ParameterName, 'The step, by name or step id [default: the failed step, else the row''s CurrentStep, else the last]')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Which of the step''s log files')
            [CompletionResult]::new('--lines', '--lines', [CompletionResultType]::ParameterName, 'How many lines from the end')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment to act on, from the config file (e.g. dev, production) [env: CYI_ENV]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $CYI_CONFIG, ./cyi.toml, ~/.config/cyi/config.toml]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (overrides the environment''s)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS shared-config profile (overrides the environment''s)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. a local sandbox (overrides the environment''s)')
            [CompletionResult]::new('--confirm-env', '--confirm-env', [CompletionResultType]::ParameterName, 'Name the protected environment being changed, in place of typing it at the prompt')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or one JSON document on stdout')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'The whole file, streamed (not only its end)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (a protected environment also needs --confirm-env)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (a protected environment also needs --confirm-env)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be done and change nothing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show each AWS call on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show each AWS call on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cyi;history' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'The window: days (7d) or hours (12h) back, or from a date (2026-11-01, UTC)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Show at most this many runs, newest first')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment to act on, from the config file (e.g. dev, production) [env: CYI_ENV]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $CYI_CONFIG, ./cyi.toml, ~/.config/cyi/config.toml]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (overrides the environment''s)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS shared-config profile (overrides the environment''s)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. a local sandbox (overrides the environment''s)')
            [CompletionResult]::new('--confirm-env', '--confirm-env', [CompletionResultType]::ParameterName, 'Name the protected environment being changed, in place of typing it at the prompt')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or one JSON document on stdout')
            [CompletionResult]::new('--failed', '--failed', [CompletionResultType]::ParameterName, 'Only runs that failed')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (a protected environment also needs --confirm-env)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (a protected environment also needs --confirm-env)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be done and change nothing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show each AWS call on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show each AWS call on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cyi;restart' {
            [CompletionResult]::new('--correlation-id', '--correlation-id', [CompletionResultType]::ParameterName, 'The run to restart; its state row gives the export date (`Date`)')
            [CompletionResult]::new('--input-bucket', '--input-bucket', [CompletionResultType]::ParameterName, 'Bucket holding the input files (overrides the environment''s input_bucket)')
            [CompletionResult]::new('--cluster-config', '--cluster-config', [CompletionResultType]::ParameterName, 'The launcher''s four YAML files (overrides the environment''s cluster_config)')
            [CompletionResult]::new('--archive', '--archive', [CompletionResultType]::ParameterName, 'With --fresh: the archive file [default: $XDG_STATE_HOME/cyi/archive.jsonl, ~/.local/state/cyi/archive.jsonl]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long --wait follows the cluster')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment to act on, from the config file (e.g. dev, production) [env: CYI_ENV]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $CYI_CONFIG, ./cyi.toml, ~/.config/cyi/config.toml]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (overrides the environment''s)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS shared-config profile (overrides the environment''s)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. a local sandbox (overrides the environment''s)')
            [CompletionResult]::new('--confirm-env', '--confirm-env', [CompletionResultType]::ParameterName, 'Name the protected environment being changed, in place of typing it at the prompt')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or one JSON document on stdout')
            [CompletionResult]::new('--fresh', '--fresh', [CompletionResultType]::ParameterName, 'Clear the row first (archived, as clear-row does), so the run begins from the first step')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'After launch, follow the cluster until it is WAITING/RUNNING or has ended')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (a protected environment also needs --confirm-env)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (a protected environment also needs --confirm-env)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be done and change nothing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show each AWS call on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show each AWS call on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cyi;stop-clusters' {
            [CompletionResult]::new('--cluster-id', '--cluster-id', [CompletionResultType]::ParameterName, 'Stop only this cluster (repeatable); it must exist, be active and have the environment''s cluster name')
            [CompletionResult]::new('--correlation-id', '--correlation-id', [CompletionResultType]::ParameterName, 'Stop only the clusters tagged Correlation_Id=ID')
            [CompletionResult]::new('--name-regex', '--name-regex', [CompletionResultType]::ParameterName, 'Match cluster names with this regular expression instead of the exact cluster name (opt-in; not anchored)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --wait: give up after this many seconds')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment to act on, from the config file (e.g. dev, production) [env: CYI_ENV]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $CYI_CONFIG, ./cyi.toml, ~/.config/cyi/config.toml]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (overrides the environment''s)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS shared-config profile (overrides the environment''s)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. a local sandbox (overrides the environment''s)')
            [CompletionResult]::new('--confirm-env', '--confirm-env', [CompletionResultType]::ParameterName, 'Name the protected environment being changed, in place of typing it at the prompt')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or one JSON document on stdout')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Remove termination protection from protected targets and terminate them too')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until every target is TERMINATED (or TERMINATED_WITH_ERRORS)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (a protected environment also needs --confirm-env)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (a protected environment also needs --confirm-env)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be done and change nothing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show each AWS call on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show each AWS call on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cyi;clear-row' {
            [CompletionResult]::new('--correlation-id', '--correlation-id', [CompletionResultType]::ParameterName, 'The run''s correlation id, exactly as stored (quotes, spaces and unicode are kept)')
            [CompletionResult]::new('--data-product', '--data-product', [CompletionResultType]::ParameterName, 'The row''s DataProduct [default: the environment''s data_product, CYI]')
            [CompletionResult]::new('--archive', '--archive', [CompletionResultType]::ParameterName, 'Archive file [default: $XDG_STATE_HOME/cyi/archive.jsonl, ~/.local/state/cyi/archive.jsonl]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment to act on, from the config file (e.g. dev, production) [env: CYI_ENV]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $CYI_CONFIG, ./cyi.toml, ~/.config/cyi/config.toml]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (overrides the environment''s)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS shared-config profile (overrides the environment''s)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. a local sandbox (overrides the environment''s)')
            [CompletionResult]::new('--confirm-env', '--confirm-env', [CompletionResultType]::ParameterName, 'Name the protected environment being changed, in place of typing it at the prompt')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or one JSON document on stdout')
            [CompletionResult]::new('--if-exists', '--if-exists', [CompletionResultType]::ParameterName, 'Succeed (exit 0) when there is no such row')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Clear even while the row is IN_PROGRESS and its cluster is still active')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (a protected environment also needs --confirm-env)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (a protected environment also needs --confirm-env)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be done and change nothing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show each AWS call on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show each AWS call on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cyi;restore-row' {
            [CompletionResult]::new('--correlation-id', '--correlation-id', [CompletionResultType]::ParameterName, 'Restore the latest archived deletion of this correlation id (with --list: show only its entries)')
            [CompletionResult]::new('--data-product', '--data-product', [CompletionResultType]::ParameterName, 'The row''s DataProduct [default: the environment''s data_product, CYI]')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'Restore this archive entry (its id as `--list` shows it)')
            [CompletionResult]::new('--archive', '--archive', [CompletionResultType]::ParameterName, 'Archive file [default: $XDG_STATE_HOME/cyi/archive.jsonl, ~/.local/state/cyi/archive.jsonl]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment to act on, from the config file (e.g. dev, production) [env: CYI_ENV]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $CYI_CONFIG, ./cyi.toml, ~/.config/cyi/config.toml]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (overrides the environment''s)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS shared-config profile (overrides the environment''s)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. a local sandbox (overrides the environment''s)')
            [CompletionResult]::new('--confirm-env', '--confirm-env', [CompletionResultType]::ParameterName, 'Name the protected environment being changed, in place of typing it at the prompt')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or one JSON document on stdout')
            [CompletionResult]::new('--list', '--list', [CompletionResultType]::ParameterName, 'Show the archive instead of restoring (no AWS call)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (a protected environment also needs --confirm-env)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (a protected environment also needs --confirm-env)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be done and change nothing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show each AWS call on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show each AWS call on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cyi;rows' {
            [CompletionResult]::new('--data-product', '--data-product', [CompletionResultType]::ParameterName, 'The DataProduct whose rows to list [default: the environment''s data_product, CYI]')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Only rows with this Status')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment to act on, from the config file (e.g. dev, production) [env: CYI_ENV]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $CYI_CONFIG, ./cyi.toml, ~/.config/cyi/config.toml]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (overrides the environment''s)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS shared-config profile (overrides the environment''s)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. a local sandbox (overrides the environment''s)')
            [CompletionResult]::new('--confirm-env', '--confirm-env', [CompletionResultType]::ParameterName, 'Name the protected environment being changed, in place of typing it at the prompt')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or one JSON document on stdout')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (a protected environment also needs --confirm-env)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (a protected environment also needs --confirm-env)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be done and change nothing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show each AWS call on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show each AWS call on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cyi;clusters' {
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment to act on, from the config file (e.g. dev, production) [env: CYI_ENV]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $CYI_CONFIG, ./cyi.toml, ~/.config/cyi/config.toml]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (overrides the environment''s)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS shared-config profile (overrides the environment''s)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. a local sandbox (overrides the environment''s)')
            [CompletionResult]::new('--confirm-env', '--confirm-env', [CompletionResultType]::ParameterName, 'Name the protected environment being changed, in place of typing it at the prompt')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or one JSON document on stdout')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (a protected environment also needs --confirm-env)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (a protected environment also needs --confirm-env)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be done and change nothing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show each AWS call on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show each AWS call on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cyi;completions' {
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment to act on, from the config file (e.g. dev, production) [env: CYI_ENV]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $CYI_CONFIG, ./cyi.toml, ~/.config/cyi/config.toml]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (overrides the environment''s)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS shared-config profile (overrides the environment''s)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. a local sandbox (overrides the environment''s)')
            [CompletionResult]::new('--confirm-env', '--confirm-env', [CompletionResultType]::ParameterName, 'Name the protected environment being changed, in place of typing it at the prompt')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or one JSON document on stdout')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (a protected environment also needs --confirm-env)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (a protected environment also needs --confirm-env)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be done and change nothing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show each AWS call on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show each AWS call on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cyi;help' {
            [CompletionResult]::new('start-cluster', 'start-cluster', [CompletionResultType]::ParameterValue, 'Launch the CYI cluster for an export date, as the launcher would, after checking the run')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Where a run is or where it failed, and what to do next; without an id, the whole environment (read-only)')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'The tail of a run''s step log from S3 (the failed step''s stderr by default), read-only')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'Past clusters of the product: how each run ended, how long it took, what it cost (read-only)')
            [CompletionResult]::new('restart', 'restart', [CompletionResultType]::ParameterValue, 'Start a run again: resume from its failed step, or with --fresh from the first step')
            [CompletionResult]::new('stop-clusters', 'stop-clusters', [CompletionResultType]::ParameterValue, 'Terminate the environment''s active CYI clusters (shows the plan and asks first)')
            [CompletionResult]::new('clear-row', 'clear-row', [CompletionResultType]::ParameterValue, 'Clear a run''s state row, after archiving it locally (undo with restore-row)')
            [CompletionResult]::new('restore-row', 'restore-row', [CompletionResultType]::ParameterValue, 'Put a cleared row back from the local archive, or list the archive')
            [CompletionResult]::new('rows', 'rows', [CompletionResultType]::ParameterValue, 'List the data product''s state rows, newest first (read-only)')
            [CompletionResult]::new('clusters', 'clusters', [CompletionResultType]::ParameterValue, 'List the environment''s active CYI clusters (read-only)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cyi;help;start-cluster' {
            break
        }
        'cyi;help;status' {
            break
        }
        'cyi;help;logs' {
            break
        }
        'cyi;help;history' {
            break
        }
        'cyi;help;restart' {
            break
        }
        'cyi;help;stop-clusters' {
            break
        }
        'cyi;help;clear-row' {
            break
        }
        'cyi;help;restore-row' {
            break
        }
        'cyi;help;rows' {
            break
        }
        'cyi;help;clusters' {
            break
        }
        'cyi;help;completions' {
            break
        }
        'cyi;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
