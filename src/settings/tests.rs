use super::*;
use crate::cli::Cli;
use clap::Parser;

const FILE: &str = r#"
    [env.dev]
    region = "eu-west-2"
    role_arn = "arn:aws:iam::111111111111:role/ci"
    input_bucket = "dev-input"
    cluster_config = "s3://dev-config/emr/cyi/"

    [env.production]
    region = "eu-west-2"
    profile = "prod"
    account = "222222222222"
    protected = true
"#;

fn global(args: &[&str]) -> GlobalArgs {
    let argv = std::iter::once("cyi")
        .chain(args.iter().copied())
        .chain(["clusters"]);
    Cli::try_parse_from(argv).unwrap().global
}

fn resolve(
    args: &[&str],
    vars: &[(&'static str, &'static str)],
    file: Option<&str>,
) -> Result<Settings> {
    let vars: BTreeMap<&str, &str> = vars.iter().copied().collect();
    Settings::resolve(
        &global(args),
        &vars,
        file.map(|text| (Path::new("cyi.toml"), text)),
        false,
    )
}

#[test]
fn no_file_means_defaults_and_the_aws_environment() {
    let s = resolve(&[], &[], None).unwrap();
    assert_eq!(s.env_name, UNNAMED_ENV);
    assert_eq!(s.table, "data_pipeline_metadata");
    assert_eq!(s.data_product, "CYI");
    assert_eq!(s.cluster_name, "cyi");
    assert_eq!(s.aws, AwsSettings::default());
    assert!(!s.protected);
}

#[test]
fn timeouts_are_seconds_and_never_zero() {
    let file = "[env.dev]\nconnect_timeout = 2\ncall_timeout = 7\n";
    let s = resolve(&["--env", "dev"], &[], Some(file)).unwrap();
    assert_eq!(
        s.aws.connect_timeout,
        Some(std::time::Duration::from_secs(2))
    );
    assert_eq!(s.aws.call_timeout, Some(std::time::Duration::from_secs(7)));
    let err = resolve(
        &["--env", "dev"],
        &[],
        Some("[env.dev]\ncall_timeout = 0\n"),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("env.dev.call_timeout is 0"), "{err}");
    assert!(
        resolve(
            &["--env", "dev"],
            &[],
            Some("[env.dev]\ncall_timeout = \"5s\"\n")
        )
        .is_err()
    );
}

#[test]
fn environment_values_are_used() {
    let s = resolve(&["--env", "dev"], &[], Some(FILE)).unwrap();
    assert_eq!(s.aws.region.as_deref(), Some("eu-west-2"));
    assert_eq!(
        s.aws.role_arn.as_deref(),
        Some("arn:aws:iam::111111111111:role/ci")
    );
    assert_eq!(s.input_bucket.as_deref(), Some("dev-input"));
    assert_eq!(
        s.cluster_config,
        Some(ClusterConfigSource::S3 {
            bucket: "dev-config".into(),
            prefix: "emr/cyi".into()
        })
    );
}

#[test]
fn flags_beat_variables_beat_the_file() {
    let s = resolve(
        &[
            "--env",
            "production",
            "--region",
            "us-east-1",
            "--profile",
            "other",
        ],
        &[("CYI_ENV", "dev")],
        Some(FILE),
    )
    .unwrap();
    assert_eq!(s.env_name, "production");
    assert_eq!(s.aws.region.as_deref(), Some("us-east-1"));
    assert_eq!(s.aws.profile.as_deref(), Some("other"));
    assert!(s.protected);
    assert_eq!(s.expected_account.as_deref(), Some("222222222222"));

    let s = resolve(&[], &[("CYI_ENV", "dev")], Some(FILE)).unwrap();
    assert_eq!(s.env_name, "dev");
}

#[test]
fn default_env_in_the_file_applies_when_none_is_chosen() {
    let file = format!("default_env = \"dev\"\n{FILE}");
    let vars = BTreeMap::new();
    let s = Settings::resolve(
        &global(&[]),
        &vars,
        Some((Path::new("c.toml"), &file)),
        false,
    )
    .unwrap();
    assert_eq!(s.env_name, "dev");
}

#[test]
fn several_environments_and_none_chosen_is_an_error() {
    let err = resolve(&[], &[], Some(FILE)).unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert!(err.hint().unwrap().contains("dev, production"), "{err:?}");
}

#[test]
fn unknown_env_lists_the_known_ones() {
    let err = resolve(&["--env", "prod"], &[], Some(FILE)).unwrap_err();
    assert_eq!(err.to_string(), "unknown environment 'prod' in cyi.toml");
    assert_eq!(err.hint(), Some("known environments: dev, production"));
    assert_eq!(err.exit_code(), 2);
}

#[test]
fn unknown_key_is_named() {
    let err = resolve(&["--env", "dev"], &[], Some("[env.dev]\nregoin = \"x\"\n")).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("unknown field `regoin`"), "{text}");
    assert_eq!(err.exit_code(), 2);
}

#[test]
fn wrong_type_is_named() {
    let err = resolve(
        &["--env", "dev"],
        &[],
        Some("[env.dev]\nprotected = \"yes\"\n"),
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("protected") && text.contains("bool"),
        "{text}"
    );
}

#[test]
fn bad_values_name_their_key() {
    let cases = [
        ("role_arn = \"ci\"", "env.dev.role_arn"),
        ("account = \"12\"", "env.dev.account"),
        ("endpoint_url = \"localhost:5000\"", "env.dev.endpoint_url"),
        ("cluster_config = \"s3:///emr\"", "env.dev.cluster_config"),
        ("table = \"\"", "env.dev.table"),
    ];
    for (line, key) in cases {
        let file = format!("[env.dev]\n{line}\n");
        let err = resolve(&["--env", "dev"], &[], Some(&file)).unwrap_err();
        assert!(err.to_string().contains(key), "{line}: {err}");
        assert_eq!(err.exit_code(), 2);
    }
}

#[test]
fn region_names_are_checked() {
    for good in ["eu-west-2", "us-gov-west-1", "cn-north-1", "ap-southeast-3"] {
        assert!(file::check_region(good).is_ok(), "{good}");
    }
    for bad in [
        "eu-west2",
        "EU-WEST-2",
        "euwest2",
        "eu-west-",
        "eu west 2",
        "e-west-2",
    ] {
        assert!(file::check_region(bad).is_err(), "{bad}");
    }
    let err = resolve(&["--region", "eu-west2"], &[], None).unwrap_err();
    assert!(err.to_string().starts_with("--region 'eu-west2'"), "{err}");
    let err = resolve(
        &["--env", "dev"],
        &[],
        Some("[env.dev]\nregion = \"london\"\n"),
    )
    .unwrap_err();
    assert!(err.to_string().contains("env.dev.region"), "{err}");
}

#[test]
fn bad_endpoint_flag_names_the_flag() {
    let err = resolve(&["--endpoint-url", "127.0.0.1:5000"], &[], None).unwrap_err();
    assert!(err.to_string().starts_with("--endpoint-url"), "{err}");
}

#[test]
fn confirm_env_must_match() {
    let err = resolve(
        &["--env", "production", "--confirm-env", "dev"],
        &[],
        Some(FILE),
    )
    .unwrap_err();
    assert!(err.to_string().contains("does not match"), "{err}");
    assert!(
        resolve(
            &["--env", "production", "--confirm-env", "production"],
            &[],
            Some(FILE)
        )
        .is_ok()
    );
}

#[test]
fn config_path_precedence() {
    let vars: BTreeMap<&str, &str> = [("CYI_CONFIG", "/etc/cyi.toml")].into_iter().collect();
    let dirs = UserDirs::under_home(Path::new("/home/op"));
    let all = |_: &Path| true;
    let path =
        |explicit: Option<&str>, vars: &BTreeMap<&str, &str>, present: &dyn Fn(&Path) -> bool| {
            file::config_path(explicit.map(Path::new), vars, &dirs, present)
        };
    assert_eq!(
        path(Some("x.toml"), &vars, &all),
        Some(PathBuf::from("x.toml"))
    );
    assert_eq!(
        path(None, &vars, &all),
        Some(PathBuf::from("/etc/cyi.toml"))
    );
    let vars = BTreeMap::new();
    assert_eq!(path(None, &vars, &all), Some(PathBuf::from("cyi.toml")));
    let only_user = |p: &Path| p != Path::new("cyi.toml");
    assert_eq!(
        path(None, &vars, &only_user),
        Some(PathBuf::from("/home/op/.config/cyi/config.toml"))
    );
    assert_eq!(path(None, &vars, &|_: &Path| false), None);
    assert_eq!(
        file::config_path(None, &vars, &UserDirs::default(), |_: &Path| false),
        None
    );
}

fn command_flags(args: &[&str]) -> CommandFlags {
    let argv = std::iter::once("cyi").chain(args.iter().copied());
    CommandFlags::of(&Cli::try_parse_from(argv).unwrap().command)
}

#[test]
fn a_subcommand_flag_beats_the_environment_value() {
    let dirs = UserDirs::under_home(Path::new("/home/op"));
    let s = resolve(&["--env", "dev"], &[], Some(FILE)).unwrap();
    let flags = command_flags(&[
        "start-cluster",
        "--export-date",
        "2021-04-01",
        "--correlation-id",
        "r",
        "--input-bucket",
        "other-input",
        "--cluster-config",
        "./cfg",
    ]);
    let s = s.for_command(&flags, &dirs).unwrap();
    assert_eq!(s.input_bucket.as_deref(), Some("other-input"));
    assert_eq!(
        s.cluster_config,
        Some(ClusterConfigSource::Local("./cfg".into()))
    );

    let s = resolve(&["--env", "dev"], &[], Some(FILE)).unwrap();
    let s = s.for_command(&command_flags(&["clusters"]), &dirs).unwrap();
    assert_eq!(s.input_bucket.as_deref(), Some("dev-input"));
    assert_eq!(s.data_product, "CYI");

    let file = "[env.dev]\ndata_product = \"FILE\"\n";
    let from_file = resolve(&["--env", "dev"], &[], Some(file)).unwrap();
    assert_eq!(
        from_file
            .clone()
            .for_command(&command_flags(&["rows"]), &dirs)
            .unwrap()
            .data_product,
        "FILE"
    );
    let flagged = command_flags(&["rows", "--data-product", "FLAG"]);
    assert_eq!(
        from_file.for_command(&flagged, &dirs).unwrap().data_product,
        "FLAG"
    );
}

#[test]
fn the_archive_is_the_flag_else_the_state_folder_else_an_error() {
    let dirs = UserDirs::under_home(Path::new("/home/op"));
    let plain = || resolve(&[], &[], None).unwrap();
    let s = plain()
        .for_command(
            &command_flags(&["clear-row", "--correlation-id", "r"]),
            &dirs,
        )
        .unwrap();
    assert_eq!(
        s.archive_path().unwrap(),
        Path::new("/home/op/.local/state/cyi/archive.jsonl")
    );
    let flags = command_flags(&["restore-row", "--list", "--archive", "/tmp/a.jsonl"]);
    let s = plain().for_command(&flags, &dirs).unwrap();
    assert_eq!(s.archive_path().unwrap(), Path::new("/tmp/a.jsonl"));
    let flags = command_flags(&[
        "restart",
        "--correlation-id",
        "r",
        "--fresh",
        "--archive",
        "b",
    ]);
    let s = plain().for_command(&flags, &UserDirs::default()).unwrap();
    assert_eq!(s.archive_path().unwrap(), Path::new("b"));
    let s = plain()
        .for_command(&command_flags(&["rows"]), &UserDirs::default())
        .unwrap();
    let err = s.archive_path().unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert_eq!(err.hint(), Some("pass --archive PATH"));
}

#[test]
fn a_shadowed_aws_variable_is_noted_once_each() {
    let file = "[env.sandbox]\nendpoint_url = \"http://127.0.0.1:5000\"\nregion = \"eu-west-2\"\nprofile = \"sb\"\n";
    let vars = [
        ("AWS_ENDPOINT_URL", "http://127.0.0.1:1"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_DEFAULT_REGION", "eu-west-2"),
        ("AWS_PROFILE", "other"),
    ];
    let s = resolve(&["--env", "sandbox"], &vars, Some(file)).unwrap();
    assert_eq!(
        s.notes,
        [
            "AWS_ENDPOINT_URL is set but environment 'sandbox' sets endpoint_url; using http://127.0.0.1:5000",
            "AWS_REGION is set but environment 'sandbox' sets region; using eu-west-2",
            "AWS_PROFILE is set but environment 'sandbox' sets profile; using sb",
        ]
    );
    assert_eq!(s.aws.endpoint_url.as_deref(), Some("http://127.0.0.1:5000"));
    // A flag is an explicit choice; an environment that sets nothing shadows nothing.
    let s = resolve(
        &[
            "--env",
            "sandbox",
            "--endpoint-url",
            "http://h",
            "--region",
            "eu-west-1",
            "--profile",
            "p",
        ],
        &vars,
        Some(file),
    )
    .unwrap();
    assert!(s.notes.is_empty(), "{:?}", s.notes);
    let s = resolve(&["--env", "dev"], &vars, Some("[env.dev]\n")).unwrap();
    assert!(s.notes.is_empty(), "{:?}", s.notes);
}

#[test]
fn colour_is_off_without_a_tty_or_with_no_color() {
    let vars = BTreeMap::new();
    let on = Settings::resolve(&global(&[]), &vars, None, true).unwrap();
    assert!(on.color);
    let vars: BTreeMap<&str, &str> = [("NO_COLOR", "1")].into_iter().collect();
    assert!(
        !Settings::resolve(&global(&[]), &vars, None, true)
            .unwrap()
            .color
    );
}

#[cfg(test)]
mod example_file {
    use super::*;
    use crate::cli::Cli;
    use clap::Parser;

    /// The shipped example must stay valid and keep production protected.
    #[test]
    fn docs_example_parses_and_protects_production() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/cyi.example.toml");
        let text = std::fs::read_to_string(&path).unwrap();
        let vars = BTreeMap::new();
        for env in ["dev", "qa", "integration", "preprod", "production"] {
            let global = Cli::try_parse_from(["cyi", "--env", env, "clusters"])
                .unwrap()
                .global;
            let s = Settings::resolve(&global, &vars, Some((&path, &text)), false).unwrap();
            assert_eq!(s.protected, env == "production", "{env}");
            assert!(
                s.aws.role_arn.is_some() && s.expected_account.is_some(),
                "{env}"
            );
            assert!(
                s.input_bucket.is_some() && s.cluster_config.is_some(),
                "{env}"
            );
        }
    }
}
