use super::*;
use clap::CommandFactory;

fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
    Cli::try_parse_from(std::iter::once("cyi").chain(args.iter().copied()))
}

#[test]
fn definition_is_consistent() {
    Cli::command().debug_assert();
    command().debug_assert();
}

fn help_of(name: &str) -> String {
    let mut cmd = command();
    cmd.find_subcommand_mut(name)
        .unwrap()
        .render_long_help()
        .to_string()
}

#[test]
fn own_options_come_before_the_global_ones() {
    let help = help_of("clear-row");
    let own = help.find("--correlation-id").unwrap();
    let heading = help.find("Global options:").unwrap();
    let env = help.find("--env").unwrap();
    assert!(own < heading && heading < env, "{help}");
    assert!(
        help.contains("--yes") && help.contains("--dry-run"),
        "{help}"
    );
}

#[test]
fn read_only_commands_do_not_advertise_confirmation_but_accept_it() {
    for name in READ_ONLY_COMMANDS {
        let help = help_of(name);
        for flag in ["--yes", "--confirm-env", "--dry-run"] {
            assert!(!help.contains(flag), "{name} advertises {flag}:\n{help}");
        }
        assert!(help.contains("--env"), "{name}:\n{help}");
    }
    for name in [
        "start-cluster",
        "restart",
        "stop-clusters",
        "clear-row",
        "restore-row",
    ] {
        assert!(help_of(name).contains("--confirm-env"), "{name}");
    }
    let matches = command()
        .try_get_matches_from(["cyi", "rows", "--yes", "--dry-run", "--confirm-env", "dev"])
        .unwrap();
    let cli = Cli::from_arg_matches(&matches).unwrap();
    assert!(cli.global.yes && cli.global.dry_run);
    assert_eq!(cli.global.confirm_env.as_deref(), Some("dev"));
}

#[test]
fn global_options_work_after_the_subcommand() {
    let cli = parse(&["clusters", "--env", "dev", "--output", "json", "-y", "-v"]).unwrap();
    assert_eq!(cli.global.env.as_deref(), Some("dev"));
    assert_eq!(cli.global.output, OutputFormat::Json);
    assert!(cli.global.yes && cli.global.verbose);
}

#[test]
fn unknown_output_format_is_rejected() {
    let err = parse(&["clusters", "--output", "yaml"]).unwrap_err();
    assert_eq!(err.kind(), clap::error::ErrorKind::InvalidValue);
}

#[test]
fn completions_needs_a_known_shell() {
    assert!(parse(&["completions", "bash"]).is_ok());
    assert!(parse(&["completions", "tcsh"]).is_err());
}

fn stop_args(args: &[&str]) -> Result<StopClustersArgs, clap::Error> {
    let cli = parse(
        &std::iter::once("stop-clusters")
            .chain(args.iter().copied())
            .collect::<Vec<_>>(),
    )?;
    match cli.command {
        Command::StopClusters(args) => Ok(args),
        other => panic!("parsed as {other:?}"),
    }
}

#[test]
fn stop_clusters_defaults() {
    let args = stop_args(&[]).unwrap();
    assert!(args.cluster_ids.is_empty());
    assert!(args.correlation_id.is_none() && args.name_regex.is_none());
    assert!(!args.force && !args.wait);
    assert_eq!(args.timeout, 1800);
}

#[test]
fn stop_clusters_takes_repeated_cluster_ids_and_every_flag() {
    let args = stop_args(&[
        "--cluster-id",
        "j-AAA",
        "--cluster-id",
        "j-BBB",
        "--correlation-id",
        "run 1",
        "--name-regex",
        "^cyi",
        "--force",
        "--wait",
        "--timeout",
        "60",
        "--yes",
    ])
    .unwrap();
    let ids: Vec<_> = args.cluster_ids.iter().map(ClusterId::as_str).collect();
    assert_eq!(ids, ["j-AAA", "j-BBB"]);
    assert_eq!(args.correlation_id.unwrap().as_str(), "run 1");
    assert_eq!(args.name_regex.as_deref(), Some("^cyi"));
    assert!(args.force && args.wait);
    assert_eq!(args.timeout, 60);
}

#[test]
fn stop_clusters_rejects_bad_values() {
    let err = stop_args(&["--cluster-id", "cyi"]).unwrap_err();
    assert_eq!(err.kind(), clap::error::ErrorKind::ValueValidation);
    assert!(err.to_string().contains("--cluster-id"), "{err}");
    let err = stop_args(&["--correlation-id", ""]).unwrap_err();
    assert_eq!(err.kind(), clap::error::ErrorKind::ValueValidation);
    assert!(stop_args(&["--wait", "--timeout", "soon"]).is_err());
    let err = stop_args(&["--timeout", "60"]).unwrap_err();
    assert_eq!(err.kind(), clap::error::ErrorKind::MissingRequiredArgument);
}

#[test]
fn clear_row_keeps_the_id_exactly_and_rejects_empty() {
    let cli = parse(&[
        "clear-row",
        "--correlation-id",
        "a \"b\" $(c)\nd",
        "--force",
    ])
    .unwrap();
    let Command::ClearRow(args) = cli.command else {
        panic!("not clear-row");
    };
    assert_eq!(args.correlation_id.as_str(), "a \"b\" $(c)\nd");
    assert!(args.force && !args.if_exists && args.data_product.is_none());
    let err = parse(&["clear-row", "--correlation-id", ""]).unwrap_err();
    assert_eq!(err.kind(), clap::error::ErrorKind::ValueValidation);
    assert!(err.to_string().contains("--correlation-id"), "{err}");
    let err = parse(&["clear-row", "--correlation-id", "x", "--data-product", ""]).unwrap_err();
    assert_eq!(err.kind(), clap::error::ErrorKind::ValueValidation);
    let err = parse(&["clear-row"]).unwrap_err();
    assert_eq!(err.kind(), clap::error::ErrorKind::MissingRequiredArgument);
}

#[test]
fn restore_row_needs_exactly_one_way_to_choose() {
    assert!(parse(&["restore-row", "--list"]).is_ok());
    assert!(parse(&["restore-row", "--id", "20261124T1-ab"]).is_ok());
    assert!(
        parse(&[
            "restore-row",
            "--correlation-id",
            "c",
            "--data-product",
            "P"
        ])
        .is_ok()
    );
    assert!(parse(&["restore-row", "--list", "--correlation-id", "c"]).is_ok());
    let err = parse(&["restore-row"]).unwrap_err();
    assert_eq!(err.kind(), clap::error::ErrorKind::MissingRequiredArgument);
    let err = parse(&["restore-row", "--id", "x", "--correlation-id", "c"]).unwrap_err();
    assert_eq!(err.kind(), clap::error::ErrorKind::ArgumentConflict);
    let err = parse(&["restore-row", "--id", "x", "--list"]).unwrap_err();
    assert_eq!(err.kind(), clap::error::ErrorKind::ArgumentConflict);
    assert!(parse(&["restore-row", "--id", "x", "--data-product", "P"]).is_err());
}

#[test]
fn rows_status_is_one_of_the_pipelines() {
    let cli = parse(&["rows", "--status", "in_progress"]).unwrap();
    let Command::Rows(args) = cli.command else {
        panic!("not rows");
    };
    assert_eq!(args.status.map(RowStatus::as_str), Some("IN_PROGRESS"));
    let err = parse(&["rows", "--status", "DONE"]).unwrap_err();
    assert_eq!(err.kind(), clap::error::ErrorKind::InvalidValue);
    assert!(err.to_string().contains("FAILED"), "{err}");
}

#[test]
fn start_cluster_needs_a_date_and_an_id() {
    let cli = parse(&[
        "start-cluster",
        "--export-date",
        "2021-04-01",
        "--correlation-id",
        "run 1",
        "--start-date",
        "2021-03-30",
        "--cluster-config",
        "s3://cfg/emr/cyi",
        "--wait",
        "--timeout",
        "60",
    ])
    .unwrap();
    let Command::StartCluster(args) = cli.command else {
        panic!("not start-cluster");
    };
    assert_eq!(args.export_date.to_string(), "2021-04-01");
    assert_eq!(args.correlation_id.as_str(), "run 1");
    assert_eq!(args.start_date.unwrap().to_string(), "2021-03-30");
    assert!(matches!(
        args.cluster_config,
        Some(ClusterConfigSource::S3 { .. })
    ));
    assert!(args.wait && !args.force);
    assert_eq!(args.timeout, 60);

    for argv in [
        &["start-cluster", "--correlation-id", "x"][..],
        &["start-cluster", "--export-date", "2021-04-01"][..],
        &[
            "start-cluster",
            "--export-date",
            "2021-02-30",
            "--correlation-id",
            "x",
        ][..],
        &[
            "start-cluster",
            "--export-date",
            "2021-04-01",
            "--correlation-id",
            "a;b",
        ][..],
        &[
            "start-cluster",
            "--export-date",
            "2021-04-01",
            "--correlation-id",
            "",
        ][..],
        &[
            "start-cluster",
            "--export-date",
            "2021-04-01",
            "--correlation-id",
            "x",
            "--timeout",
            "5",
        ][..],
    ] {
        assert!(parse(argv).is_err(), "{argv:?} accepted");
    }
}
#[test]
fn status_takes_an_optional_id() {
    let cli = parse(&["status"]).unwrap();
    let Command::Status(args) = cli.command else {
        panic!("not status");
    };
    assert!(args.correlation_id.is_none());
    let cli = parse(&["status", "--correlation-id", "it's 1"]).unwrap();
    let Command::Status(args) = cli.command else {
        panic!("not status");
    };
    assert_eq!(args.correlation_id.unwrap().as_str(), "it's 1");
    let err = parse(&["status", "--correlation-id", ""]).unwrap_err();
    assert_eq!(err.kind(), clap::error::ErrorKind::ValueValidation);
}

#[test]
fn restart_needs_an_id_and_archive_only_with_fresh() {
    let cli = parse(&[
        "restart",
        "--correlation-id",
        "run-1",
        "--fresh",
        "--archive",
        "/tmp/a.jsonl",
        "--input-bucket",
        "in",
        "--cluster-config",
        "./cfg",
        "--wait",
        "--timeout",
        "60",
    ])
    .unwrap();
    let Command::Restart(args) = cli.command else {
        panic!("not restart");
    };
    assert_eq!(args.correlation_id.as_str(), "run-1");
    assert!(args.fresh && args.wait);
    assert_eq!(args.timeout, 60);
    assert_eq!(args.input_bucket.as_deref(), Some("in"));
    assert!(matches!(
        args.cluster_config,
        Some(ClusterConfigSource::Local(_))
    ));
    let cli = parse(&["restart", "--correlation-id", "run-1"]).unwrap();
    let Command::Restart(args) = cli.command else {
        panic!("not restart");
    };
    assert!(!args.fresh && !args.wait && args.archive.is_none());

    let err = parse(&["restart"]).unwrap_err();
    assert_eq!(err.kind(), clap::error::ErrorKind::MissingRequiredArgument);
    let err = parse(&["restart", "--correlation-id", "r", "--archive", "a"]).unwrap_err();
    assert_eq!(err.kind(), clap::error::ErrorKind::MissingRequiredArgument);
    let err = parse(&["restart", "--correlation-id", "a;b"]).unwrap_err();
    assert_eq!(err.kind(), clap::error::ErrorKind::ValueValidation);
    assert!(parse(&["restart", "--correlation-id", "r", "--timeout", "5"]).is_err());
}

#[test]
fn json_is_recognised_in_a_command_line_that_does_not_parse() {
    let args = |list: &[&str]| -> Vec<std::ffi::OsString> { list.iter().map(Into::into).collect() };
    assert!(wants_json(&args(&[
        "cyi", "rows", "--output", "json", "--bad"
    ])));
    assert!(wants_json(&args(&[
        "cyi",
        "--output=json",
        "rows",
        "--status",
        "DONE"
    ])));
    assert!(!wants_json(&args(&[
        "cyi", "rows", "--output", "table", "json"
    ])));
    assert!(!wants_json(&args(&["cyi", "rows"])));
    let err = parse_from(args(&["cyi", "rows", "--status", "DONE"])).unwrap_err();
    assert_eq!(err.kind(), clap::error::ErrorKind::InvalidValue);
    assert!(parse_from(args(&["cyi", "rows", "--yes"])).is_ok());
}
