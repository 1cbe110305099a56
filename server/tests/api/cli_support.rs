use sqlx::PgPool;

/// The URL of the test's own database, for a child process.
pub fn database_url(pool: &PgPool) -> String {
    let base = std::env::var("DATABASE_URL").expect("DATABASE_URL");
    let db = pool
        .connect_options()
        .get_database()
        .expect("test database name")
        .to_owned();
    match base.rsplit_once('/') {
        Some((prefix, _)) => format!("{prefix}/{db}"),
        None => panic!("DATABASE_URL without a database: {base}"),
    }
}
