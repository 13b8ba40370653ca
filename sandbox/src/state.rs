//! The state one sandbox shares between all its connections: the world, routing, credentials,
//! tokens, clock, counters, request log and faults.
use crate::auth::TokenAuthority;
use crate::clock::Clock;
use crate::counters::{CounterSet, Counters, RequestLog};
use crate::faults::FaultTable;
use crate::routes::{Router, TOKEN_ROUTE};
use crate::world::World;

/// State shared by every connection of one sandbox.
pub(crate) struct Shared {
    pub world: World,
    pub router: Router,
    pub templates: Vec<&'static str>,
    pub base_url: String,
    pub client_id: String,
    pub client_secret: String,
    /// Further projects' credentials (`client_id`, `client_secret`), see
    /// [`SandboxBuilder::add_client`](crate::SandboxBuilder::add_client).
    pub extra_clients: Vec<(String, String)>,
    pub tokens: TokenAuthority,
    pub clock: Clock,
    pub counters: CounterSet,
    pub log: RequestLog,
    pub faults: FaultTable,
    pub log_requests: bool,
}

impl Shared {
    pub fn counters(&self) -> Counters {
        self.counters.snapshot(&self.templates, TOKEN_ROUTE)
    }
}
