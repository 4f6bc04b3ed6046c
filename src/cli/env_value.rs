//! [`FlagValue`]: a flag's value that may have come from its environment variable.

/// The text of a flag that has an `env = "..."` variable, and whether clap took it from that
/// variable rather than from the command line. It derefs to the text, so
/// `args.workspace.as_deref()` is an `Option<&str>`.
///
/// Where the value came from matters twice: a blank variable counts as unset, as every variable
/// does (see [`crate::settings`]), and FASTIO_WORKSPACE is only a default that other defaults can
/// come before (see [`Command::take_env_workspace`](super::Command::take_env_workspace)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagValue {
    pub text: String,
    /// Taken from the flag's environment variable (not typed on the command line).
    pub from_env: bool,
}

impl FlagValue {
    /// The text, unless it came from the environment blank (a blank variable is unset).
    pub fn given(&self) -> Option<&str> {
        (!(self.from_env && self.text.is_empty())).then_some(self.text.as_str())
    }
}

impl std::ops::Deref for FlagValue {
    type Target = str;
    fn deref(&self) -> &str {
        &self.text
    }
}

/// Parses any UTF-8 text into a [`FlagValue`], noting whether clap read it from the environment.
#[derive(Debug, Clone, Copy)]
pub struct FlagValueParser;

impl clap::builder::TypedValueParser for FlagValueParser {
    type Value = FlagValue;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<FlagValue, clap::Error> {
        self.parse_ref_(cmd, arg, value, clap::parser::ValueSource::CommandLine)
    }

    fn parse_ref_(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
        source: clap::parser::ValueSource,
    ) -> Result<FlagValue, clap::Error> {
        let text = clap::builder::StringValueParser::new().parse_ref(cmd, arg, value)?;
        Ok(FlagValue {
            text,
            from_env: source == clap::parser::ValueSource::EnvVariable,
        })
    }
}

impl clap::builder::ValueParserFactory for FlagValue {
    type Parser = FlagValueParser;
    fn value_parser() -> FlagValueParser {
        FlagValueParser
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blank_value_from_the_environment_is_not_given() {
        use clap::builder::TypedValueParser as _;
        use clap::parser::ValueSource;
        let cmd = clap::Command::new("fastio");
        let parse = |text: &str, source| {
            FlagValueParser
                .parse_ref_(&cmd, None, std::ffi::OsStr::new(text), source)
                .unwrap()
        };
        let blank_env = parse("", ValueSource::EnvVariable);
        assert!(blank_env.from_env);
        assert_eq!(blank_env.given(), None);
        // Typed on the command line, even a blank value is what was asked for.
        assert_eq!(parse("", ValueSource::CommandLine).given(), Some(""));
        assert_eq!(parse("ws", ValueSource::EnvVariable).given(), Some("ws"));
    }
}

/// `-w, --workspace` as most subcommands take it (FASTIO_WORKSPACE as its default). `verify`
/// (whose help adds the receipt's workspace) and `lock` (where it is global to the actions)
/// declare their own.
#[derive(Debug, Clone, Default, PartialEq, Eq, clap::Args)]
pub struct WorkspaceArg {
    /// Workspace id or name
    #[arg(
        id = "workspace",
        short = 'w',
        long = "workspace",
        env = "FASTIO_WORKSPACE",
        hide_env_values = true,
        value_name = "WORKSPACE"
    )]
    pub value: Option<FlagValue>,
}

/// `--share ID|NAME` and its password, for `upload` and `verify`.
#[derive(Debug, Clone, Default, PartialEq, Eq, clap::Args)]
pub struct ShareArg {
    /// A share (id or name) instead of a workspace: upload into it (its root and folders, as for
    /// a workspace)
    #[arg(long, value_name = "SHARE")]
    pub share: Option<String>,

    /// The share's password (also FASTIO_SHARE_PASSWORD), sent as `x-ve-password`; never shown
    #[arg(long, value_name = "PASSWORD")]
    pub share_password: Option<String>,
}

impl WorkspaceArg {
    /// The workspace typed (or, until taken out, from the environment).
    pub fn as_deref(&self) -> Option<&str> {
        self.value.as_deref()
    }
}
