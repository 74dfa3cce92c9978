
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
            [CompletionResult]::new('clusters', 'clusters', [CompletionResultType]::ParameterValue, 'List the environment''s active CYI clusters (read-only)')
            [CompletionResult]::new('start-cluster', 'start-cluster', [CompletionResultType]::ParameterValue, 'Launch the CYI cluster for an export date, as the launcher would, after checking the run')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
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
            [CompletionResult]::new('clusters', 'clusters', [CompletionResultType]::ParameterValue, 'List the environment''s active CYI clusters (read-only)')
            [CompletionResult]::new('start-cluster', 'start-cluster', [CompletionResultType]::ParameterValue, 'Launch the CYI cluster for an export date, as the launcher would, after checking the run')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cyi;help;clusters' {
            break
        }
        'cyi;help;start-cluster' {
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
