//! Criterion benchmarks of writing layers: the network and settlements of the largest shipped
//! extract (Liechtenstein) as GeoJSON and CSV into a sink, so the figure is formatting alone
//! (no disk), in MB per second of output.
//!
//! Run with `cargo bench --bench layers`.

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use servicegap::analysis::{analyze, AnalysisOptions};
use servicegap::report::layer::Layer;
use servicegap::report::{csv, geojson, NetworkLayer, SettlementsLayer};
use std::io::{self, Write};
use std::path::Path;

/// A writer that counts and drops the bytes.
struct Count(u64);

impl Write for Count {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

type Writer = fn(&mut Count, &dyn Layer) -> io::Result<()>;

fn bytes(layer: &dyn Layer, write: Writer) -> u64 {
    let mut sink = Count(0);
    write(&mut sink, layer).unwrap_or_else(|e| panic!("{e}"));
    sink.0
}

fn layers(c: &mut Criterion) {
    let path = Path::new("data/osm/li-liechtenstein-2021.osm.pbf");
    let region =
        servicegap::open::read_pbf(path, &Default::default()).unwrap_or_else(|e| panic!("{e}"));
    let analysis = analyze(&region, &AnalysisOptions::default());
    let network = NetworkLayer::new(&region);
    let settlements = SettlementsLayer::new(&region, &analysis, None);
    let mut group = c.benchmark_group("layers/liechtenstein");
    let cases: [(&str, &dyn Layer, Writer); 3] = [
        ("network_geojson", &network, |w, l| {
            geojson::write_layer(w, l)
        }),
        ("settlements_geojson", &settlements, |w, l| {
            geojson::write_layer(w, l)
        }),
        ("settlements_csv", &settlements, |w, l| {
            csv::write_layer(w, l)
        }),
    ];
    for (name, layer, write) in cases {
        group.throughput(Throughput::Bytes(bytes(layer, write)));
        group.bench_function(name, |b| b.iter(|| bytes(layer, write)));
    }
    group.finish();
}

criterion_group!(benches, layers);
criterion_main!(benches);
