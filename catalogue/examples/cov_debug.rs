// Temporary diagnostic: coverage of every matched pair of a catalogue.
use catalogue::coverage::{coverage, PeakMap};
use catalogue::landmark_index::LandmarkIndex;
use engine::analysis::Landmark;
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let cat = catalogue::Catalogue::open(std::path::Path::new(&path)).unwrap();
    let mut stmt = cat.connection().prepare("SELECT f.path, f.duration_sec, fp.landmarks FROM files f JOIN fingerprints fp ON fp.file_id = f.id ORDER BY f.id").unwrap();
    let mut names = Vec::new(); let mut durs = Vec::new(); let mut counts = Vec::new(); let mut rows = Vec::new();
    let mut q = stmt.query([]).unwrap();
    while let Some(r) = q.next().unwrap() {
        let i = names.len() as u32;
        let p: String = r.get(0).unwrap();
        names.push(p.rsplit('/').next().unwrap().to_string());
        durs.push(r.get::<_, f64>(1).unwrap());
        let before = rows.len();
        rows.extend(catalogue::landmarks::from_blob(r.get_ref(2).unwrap().as_blob().unwrap()).map(|l| (l.hash, i, l.frame)));
        counts.push(rows.len() - before);
    }
    let index = LandmarkIndex::new(counts, rows);
    let maps: Vec<PeakMap> = (0..names.len()).map(|f| PeakMap::new(index.landmarks_of(f).iter().map(|&(hash, frame)| Landmark { hash, frame }), durs[f])).collect();
    for p in index.matching_pairs() {
        let c = coverage(&maps[p.a], &maps[p.b], p.offset.offset_frames);
        println!("{:40} {:40} off {:7.2} votes {:4} a {:6.2}-{:6.2} within a:{} b:{} edge {:3} hit {:.2}", names[p.a], names[p.b], c.offset_sec, p.offset.votes, c.a_start_sec, c.a_end_sec, c.a_within_b as u8, c.b_within_a as u8, c.unmatched_edge_peaks, c.hit_share);
    }
}
