//! Accounts: roles, the node each user is bound to, and what that lets them read and
//! write. The rules live here, once, so that the web pages, the JSON API and the CLI all
//! decide the same way.

mod common_passwords;
mod credentials;
mod role;
mod scope;

pub use credentials::{CredentialError, Password, Username};
pub use role::Role;
pub use scope::{Binding, BindingError, Principal};
