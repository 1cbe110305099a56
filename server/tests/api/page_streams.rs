//! A page's stream ends even while other routers are being built in the
//! same process (leptos walks the route list with a process-wide flag that
//! parks any resource first polled meanwhile: leptos-rs/leptos#4773).

use crate::common::{test_config, Cred, TestApp};
use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Far beyond any render of a busy machine: only a stream that never ends
/// reaches it.
const HANG: Duration = Duration::from_secs(90);

#[sqlx::test(migrations = "../migrations")]
async fn pages_finish_while_other_routers_are_built(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let stop = Arc::new(AtomicBool::new(false));
    let built = Arc::new(AtomicU32::new(0));
    let builder = {
        let stop = Arc::clone(&stop);
        let built = Arc::clone(&built);
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
                while !stop.load(Ordering::Relaxed) {
                    drop(server::build_router(state.clone(), http.clone()));
                    built.fetch_add(1, Ordering::Relaxed);
                    tokio::task::yield_now().await;
                }
            })
        })
    };
    // The renders start once the other routers are being built.
    while built.load(Ordering::Relaxed) == 0 {
        assert!(!builder.is_finished(), "the router builder stopped");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
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
    builder.join().expect("router builder");
}
