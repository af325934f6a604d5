//! Serving the router on a listening socket with limits a slow or hostile
//! client cannot outwait: headers must arrive within a time, a connection
//! waiting for its next request is closed after the same time, and at most a
//! set number of connections are served at once.
//!
//! `axum::serve` has none of these: a client that sends half a request line,
//! or opens connections and says nothing, kept them open for minutes, and
//! enough of them would use up the server's file descriptors. This accept
//! loop is hyper's own HTTP/1 connection (`header_read_timeout`) behind a
//! semaphore; the body-read limit is in the router
//! ([`crate::http::read_body_within_limit`]) because only it knows a body is
//! wanted. Shutting down stops accepting, lets requests in flight finish, and
//! closes idle connections.

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// Limits on every connection. The defaults suit participants on slow
/// mobile networks (a request of a few KiB takes well under a second even
/// at 2G speeds) while cutting off a connection that stalls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Time for a request's headers to arrive, counted from the first moment
    /// the server waits for them; a kept-alive connection waiting for its
    /// next request is closed after the same time.
    pub header_read: Duration,
    /// Time for a request's body to arrive once its headers have (answered
    /// with 408).
    pub body_read: Duration,
    /// Connections served at once; further ones wait in the listen queue
    /// until one ends. At least 1 (the configuration refuses 0, which would
    /// serve nobody).
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_read: Duration::from_secs(10),
            body_read: Duration::from_secs(30),
            max_connections: 512,
        }
    }
}

/// Serves `router` on `listener` until `shutdown` completes, then waits (at
/// most `grace`) for requests in flight.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
    grace: Duration,
) -> std::io::Result<()> {
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read)
        .keep_alive(true);
    tokio::pin!(shutdown);
    loop {
        // A permit first: over the cap, new connections wait in the kernel's
        // listen queue instead of taking memory and descriptors here.
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of descriptors and the like: wait a little rather
                    // than spin, as axum::serve does.
                    tracing::warn!(error = %err, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let service = tower::service_fn(move |mut req: hyper::Request<Incoming>| {
            req.extensions_mut().insert(ConnectInfo(remote));
            router.clone().oneshot(req.map(axum::body::Body::new))
        });
        let connection =
            http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                tracing::debug!(error = %err, %remote, "connection ended with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(grace) => {
            tracing::warn!("requests still running after the shutdown grace period");
        }
    }
    Ok(())
}
