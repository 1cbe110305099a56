//! A page's stream ends even while other routers are being built in the
//! same process (leptos walks the route list with a process-wide flag that
//! parks any resource first polled meanwhile: leptos-rs/leptos#4773).

use crate::common::{test_config, Cred, TestApp};
use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Far beyond any render of a busy machine: only a stream that never ends
/// reaches it.
const HANG: Duration = Duration::from_secs(90);

#[sqlx::test(migrations = "../migrations")]
async fn pages_finish_while_other_routers_are_built(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let stop = Arc::new(AtomicBool::new(false));
    let builder = {
        let stop = Arc::clone(&stop);
        let options = pool.connect_options().as_ref().clone();
        // Another "test" in the same process: it builds routers over and
        // over on its own runtime, as each integration test does once.
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                let config = test_config();
                let pool = PgPoolOptions::new().connect_lazy_with(options);
                let state = server::run::app_state(&config, pool);
                let http = server::run::http_settings(&config);
                let mut built = 0u32;
                while !stop.load(Ordering::Relaxed) {
                    drop(server::build_router(state.clone(), http.clone()));
                    built += 1;
                    tokio::task::yield_now().await;
                }
                built
            })
        })
    };
    // The home page and the catalog both load their data in resources.
    for i in 0..12 {
        let path = if i % 2 == 0 { "/" } else { "/skills" };
        let page = tokio::time::timeout(HANG, app.call("GET", path, &Cred::Anon, None)).await;
        let page = match page {
            Ok(page) => page,
            Err(_) => {
                stop.store(true, Ordering::Relaxed);
                panic!("{path} (render {i}) never finished while routers were being built");
            }
        };
        assert_eq!(page.status, 200, "{path}: {}", page.text);
        assert!(page.text.contains("</html>"), "{path} ended early");
    }
    stop.store(true, Ordering::Relaxed);
    let built = builder.join().expect("router builder");
    assert!(built > 0, "no router was built beside the renders");
}
