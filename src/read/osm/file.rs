//! The PBF file itself: opening it, the index of its data blocks from the blob headers (the
//! bodies are skipped), reading a block's bytes and decoding them through `osmpbf`, and the
//! errors that come of damaged or unsupported files.

use crate::base::error::{Error, Result};
use crate::base::progress::Phase;
use crate::read::profile::Profile;
use osmpbf::{BlobReader, BlobType, PrimitiveBlock};
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

/// Where a data block lies in the file.
#[derive(Clone, Copy, Debug)]
pub(super) struct BlockExtent {
    pub(super) offset: u64,
    pub(super) len: u64,
}

/// An open PBF file with its block index.
pub(super) struct PbfFile {
    path: PathBuf,
    file: File,
    pub(super) blocks: Vec<BlockExtent>,
    pub(super) sorted: bool,
    /// The header's bounding box, `[min_lon, min_lat, max_lon, max_lat]` in degrees.
    pub(super) bbox: Option<[f64; 4]>,
    pub(super) profile: Profile,
    /// Bytes of blocks done, counted once per block by the pass that finishes with it.
    pub(super) progress: Phase,
}

impl PbfFile {
    pub(super) fn open(path: &Path) -> Result<Self> {
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        let meta = file.metadata().map_err(|e| Error::io(path, e))?;
        if meta.is_dir() {
            return Err(Error::io(path, std::io::Error::other("it is a directory")));
        }
        let file_len = meta.len();
        let not_pbf = |reason: &str| Error::NotPbf {
            path: path.to_path_buf(),
            reason: reason.to_owned(),
        };
        if file_len == 0 {
            return Err(not_pbf("the file is empty"));
        }
        if starts_with_gzip_magic(&file).map_err(|e| Error::io(path, e))? {
            // A downloaded `.osm.pbf.gz` renamed, or a gzipped copy: PBF blocks are compressed
            // inside, so the whole file never is.
            return Err(not_pbf("it is gzip-compressed: decompress it with gunzip"));
        }
        let mut reader =
            BlobReader::seekable_from_path(path).map_err(|e| Error::io(path, osm_io(e)))?;
        let mut offsets = Vec::new();
        let mut header_seen = false;
        let mut header_offset = 0;
        let mut index = 0usize;
        while let Some(next) = reader.next_header_skip_blob() {
            let (header, offset) = next.map_err(|e| {
                let offset = offsets.last().map_or(0, |o: &(u64, bool)| o.0);
                if index == 0 {
                    not_pbf(&describe(&e))
                } else {
                    Error::CorruptBlock {
                        path: path.to_path_buf(),
                        offset,
                        reason: describe(&e),
                    }
                }
            })?;
            let offset = offset.map_or(0, |o| o.0);
            match header.blob_type() {
                BlobType::OsmHeader if index == 0 => {
                    header_seen = true;
                    header_offset = offset;
                }
                BlobType::OsmHeader => {}
                BlobType::OsmData => offsets.push((offset, true)),
                BlobType::Unknown(_) => offsets.push((offset, false)),
            }
            index += 1;
        }
        if !header_seen {
            return Err(not_pbf("it does not start with an OSMHeader block"));
        }
        let end = reader
            .seek_raw(std::io::SeekFrom::Current(0))
            .map_err(|e| Error::io(path, osm_io(e)))?;
        let last_start = offsets.last().map_or(header_offset, |o| o.0);
        if end > file_len {
            return Err(Error::CorruptBlock {
                path: path.to_path_buf(),
                offset: last_start,
                reason: format!("the file is truncated: the block needs {end} bytes but the file has {file_len}"),
            });
        }
        let mut blocks = Vec::with_capacity(offsets.len());
        for (i, &(offset, is_data)) in offsets.iter().enumerate() {
            let next = offsets.get(i + 1).map_or(end, |o| o.0);
            if is_data {
                blocks.push(BlockExtent {
                    offset,
                    len: next - offset,
                });
            }
        }
        let mut pbf = PbfFile {
            path: path.to_path_buf(),
            file,
            blocks,
            sorted: false,
            bbox: None,
            profile: Profile::default(),
            progress: Phase::none(),
        };
        let header = pbf.read_header(BlockExtent {
            offset: header_offset,
            len: offsets.first().map_or(end, |o| o.0) - header_offset,
        })?;
        for feature in header.required_features() {
            if feature != "OsmSchema-V0.6" && feature != "DenseNodes" {
                return Err(Error::Unsupported {
                    path: path.to_path_buf(),
                    feature: feature.clone(),
                });
            }
        }
        pbf.sorted = header
            .optional_features()
            .iter()
            .any(|f| f == "Sort.Type_then_ID");
        pbf.bbox = header.bbox().map(|b| [b.left, b.bottom, b.right, b.top]);
        Ok(pbf)
    }

    fn corrupt(&self, extent: BlockExtent, reason: String) -> Error {
        Error::CorruptBlock {
            path: self.path.clone(),
            offset: extent.offset,
            reason,
        }
    }

    pub(super) fn read_bytes(&self, extent: BlockExtent) -> Result<Vec<u8>> {
        let mut buf = vec![0u8; extent.len as usize];
        self.file
            .read_exact_at(&mut buf, extent.offset)
            .map_err(|e| Error::io(&self.path, e))?;
        Ok(buf)
    }

    fn read_header(&self, extent: BlockExtent) -> Result<osmpbf::HeaderBlock> {
        let bytes = self.read_bytes(extent)?;
        let blob = BlobReader::new(bytes.as_slice())
            .next()
            .ok_or_else(|| self.corrupt(extent, "empty header block".into()))?
            .map_err(|e| self.corrupt(extent, describe(&e)))?;
        blob.to_headerblock()
            .map_err(|e| self.corrupt(extent, describe(&e)))
    }

    /// Decodes data block `index` and hands it to `f`. A panic inside the decoder (which only
    /// damaged data can cause) becomes a [`Error::CorruptBlock`].
    pub(super) fn with_block<T>(
        &self,
        index: usize,
        f: impl FnOnce(PrimitiveBlock) -> T,
    ) -> Result<T> {
        let bytes = self.read_bytes(self.blocks[index])?;
        self.decode_block(index, &bytes, f)
    }

    /// [`PbfFile::with_block`] for a block already read into `bytes`.
    pub(super) fn decode_block<T>(
        &self,
        index: usize,
        bytes: &[u8],
        f: impl FnOnce(PrimitiveBlock) -> T,
    ) -> Result<T> {
        let extent = self.blocks[index];
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let blob = BlobReader::new(bytes)
                .next()
                .ok_or_else(|| "no block at this offset".to_owned())?
                .map_err(|e| describe(&e))?;
            let block = blob.to_primitiveblock().map_err(|e| describe(&e))?;
            Ok::<T, String>(f(block))
        }));
        match outcome {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(reason)) => Err(self.corrupt(extent, reason)),
            Err(_) => Err(self.corrupt(extent, "the block's contents are inconsistent".into())),
        }
    }
}

/// Whether the file begins with the gzip magic bytes `1f 8b`.
fn starts_with_gzip_magic(file: &File) -> std::io::Result<bool> {
    let mut magic = [0u8; 2];
    let n = file.read_at(&mut magic, 0)?;
    Ok(n == 2 && magic == [0x1f, 0x8b])
}

pub(super) fn osm_io(e: osmpbf::Error) -> std::io::Error {
    match e.into_kind() {
        osmpbf::ErrorKind::Io(io) => io,
        other => std::io::Error::other(format!("{other:?}")),
    }
}

/// A short human description of an osmpbf error.
pub(super) fn describe(e: &osmpbf::Error) -> String {
    use osmpbf::{BlobError, ErrorKind};
    match e.kind() {
        ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            "the file ends inside this block (truncated)".into()
        }
        ErrorKind::Io(io) => io.to_string(),
        ErrorKind::Protobuf { location, .. } => format!("cannot decode the {location}"),
        ErrorKind::StringtableUtf8 { index, .. } => {
            format!("string table entry {index} is not UTF-8")
        }
        ErrorKind::StringtableIndexOutOfBounds { index } => {
            format!("string table index {index} is out of range")
        }
        ErrorKind::Blob(BlobError::InvalidHeaderSize) => "invalid block header size".into(),
        ErrorKind::Blob(BlobError::HeaderTooBig { size }) => {
            format!("block header size {size} is implausible")
        }
        ErrorKind::Blob(BlobError::MessageTooBig { size }) => {
            format!("block size {size} is implausible")
        }
        ErrorKind::Blob(BlobError::Empty) => "the block is empty".into(),
        ErrorKind::Blob(other) => format!("{other:?}"),
        other => format!("{other:?}"),
    }
}
