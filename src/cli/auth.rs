//! `fastio login`, `fastio logout` and `fastio whoami`.

use clap::Args;

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  fastio login\n  fastio login --no-browser\n  printf '%s' \"$KEY\" | fastio login --api-key",
    after_long_help = concat!(
        "Examples:\n  fastio login\n  fastio login --no-browser\n  printf '%s' \"$KEY\" | fastio login --api-key\n  fastio --profile work --api-base http://127.0.0.1:8787/current login --workspace team\n\n",
        "The browser login is OAuth 2.0 with PKCE: fastio opens the consent page and receives the code\n",
        "on 127.0.0.1 at the redirect URI's port (port 0 = any free port), or with --no-browser prints\n",
        "the URL and reads the code the page shows. Access tokens are refreshed automatically.\n\n",
        "Secrets go to the OS keyring only: the Secret Service (GNOME Keyring, KWallet) when one runs,\n",
        "else the Linux kernel keyring (cleared at reboot); FASTIO_KEYRING=secret-service|keyutils picks\n",
        "one. Without any keyring, login refuses: use FASTIO_API_KEY instead. The profile's API base\n",
        "and default workspace go to $XDG_CONFIG_HOME/fastio/config.json (never a secret).\n\n",
        credentials_help!(),
        "\n\n",
        exit_codes_help!()
    )
)]
pub struct LoginArgs {
    /// Store an API key instead of logging in through the browser
    ///
    /// The key is read from stdin when stdin is not a terminal, otherwise prompted for without
    /// echo. It is never taken as an argument value, where it would show in `ps` and shell history.
    #[arg(long)]
    pub api_key: bool,

    /// Do not open a browser: print the URL and read the displayed code pasted back
    #[arg(long)]
    pub no_browser: bool,

    /// OAuth client id
    #[arg(long, default_value = "fastio-cli", value_name = "ID")]
    pub client_id: String,

    /// OAuth redirect URI (a listener on 127.0.0.1 is bound to its port; 0 = any free port)
    #[arg(
        long,
        default_value = "http://localhost:19836/callback",
        value_name = "URI"
    )]
    pub redirect_uri: String,

    /// Give up waiting for the browser after this many seconds (1 to 3600)
    #[arg(long, default_value_t = 300, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,

    /// Default workspace (id or name) to remember for this profile
    #[arg(long, value_name = "WORKSPACE")]
    pub workspace: Option<String>,
}

/// Removes the profile's keyring entry and revokes its OAuth refresh token on the server.
/// API keys stay valid on the server: delete them in the web app.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  fastio logout\n  fastio --profile work logout")]
pub struct LogoutArgs {}

/// Prints the credential source (--token, FASTIO_TOKEN, FASTIO_API_KEY or keyring profile), the
/// user id the server reports and when the access token expires. With --json, one JSON object.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  fastio whoami\n  FASTIO_API_KEY=... fastio whoami --json")]
#[command(after_long_help = concat!(
    "Examples:\n  fastio whoami\n  FASTIO_API_KEY=... fastio whoami --json\n\n",
    credentials_help!(),
    "\n\n",
    exit_codes_help!()
))]
pub struct WhoamiArgs {}
