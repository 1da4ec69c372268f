//! The long-running commands, as the command line drives them: a batch of
//! letters, watching a letter, and the live preview. They print nothing:
//! each reports what happens through its results and callbacks, and the
//! command line decides what a person sees.

pub mod batch;
pub mod schema;
pub mod serve;
pub mod watch;
