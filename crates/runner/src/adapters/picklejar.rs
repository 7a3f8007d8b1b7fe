//! The picklejar codec itself, in process.

use picklejar_codec::{Canon, DumpOptions, ImportEvent, Loader, Profile, dump, to_canon};

use crate::codec::{Codec, CodecInfo, LoadRequest, Outcome};
use crate::ids::{ImplId, REFERENCE};

/// picklejar's own data-only codec.
#[derive(Clone, Copy, Debug, Default)]
pub struct Picklejar;

impl Codec for Picklejar {
    fn info(&self) -> CodecInfo {
        CodecInfo {
            name: "picklejar".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            data_only: true,
            dumps: true,
            redumps: true,
            description: "picklejar-codec, in process (data only)".into(),
            imports: true,
            ..CodecInfo::default()
        }
    }

    fn load(&self, req: &LoadRequest<'_>) -> Outcome {
        let opts = match req.spec.to_options(req.buffers.map(<[Vec<u8>]>::to_vec)) {
            Ok(o) => o,
            Err(e) => {
                return Outcome::Rejected {
                    kind: "unsupported-option".into(),
                    message: e,
                };
            }
        };
        let run = || {
            let loaded = Loader::with_options(opts).load(req.data)?;
            to_canon(&loaded.graph)
        };
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)) {
            Ok(Ok(c)) => Outcome::Loaded(c),
            Ok(Err(e)) => Outcome::Rejected {
                kind: e.kind().to_string(),
                message: e.to_string(),
            },
            Err(p) => Outcome::Crashed(panic_message(&p)),
        }
    }

    /// What CPython 3.13 imports and calls, as picklejar's loader computes it
    /// ([`crate::emulate::imports`]: without the `persistent_load` option the load stops at
    /// the first persistent id, as CPython's does).
    fn imports(&self, req: &LoadRequest<'_>) -> Option<Result<Vec<ImportEvent>, String>> {
        let buffers = req.buffers.map(<[Vec<u8>]>::to_vec);
        let run = || crate::emulate::imports(REFERENCE, req.data, req.spec, buffers);
        Some(
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(run))
                .unwrap_or_else(|p| Err(panic_message(&p))),
        )
    }

    fn dump(&self, canon: &Canon, protocol: u8) -> Option<Result<Vec<u8>, String>> {
        let run = || -> Result<Vec<u8>, String> {
            let g = canon.to_graph().map_err(|e| e.to_string())?;
            dump(&g, protocol, &DumpOptions::new(Profile::Py38))
                .map(|d| d.bytes)
                .map_err(|e| e.to_string())
        };
        Some(std::panic::catch_unwind(run).unwrap_or_else(|p| Err(panic_message(&p))))
    }

    fn redump(
        &self,
        req: &LoadRequest<'_>,
        protocol: u8,
        producer: ImplId,
    ) -> Option<Result<Vec<u8>, String>> {
        let profile = Profile::from_version(&producer.python()?.to_string())?;
        let opts = req
            .spec
            .to_options(req.buffers.map(<[Vec<u8>]>::to_vec))
            .ok()?;
        let mut dopts = DumpOptions::new(profile);
        for (code, (m, n)) in &opts.extensions {
            dopts.extensions.insert((m.clone(), n.clone()), *code);
        }
        let run = || -> Result<Vec<u8>, String> {
            let loaded = Loader::with_options(opts)
                .load(req.data)
                .map_err(|e| e.to_string())?;
            dump(&loaded.graph, protocol, &dopts)
                .map(|d| d.bytes)
                .map_err(|e| e.to_string())
        };
        Some(
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(run))
                .unwrap_or_else(|p| Err(panic_message(&p))),
        )
    }
}

/// The text of a caught panic.
pub(crate) fn panic_message(p: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        format!("panic: {s}")
    } else if let Some(s) = p.downcast_ref::<String>() {
        format!("panic: {s}")
    } else {
        "panic".into()
    }
}
