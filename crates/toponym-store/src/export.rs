//! GeoPackage 1.3 export, written by hand through a separate, plain SQLite connection so
//! that GDAL and QGIS open it directly. One layer per geometry kind (points, lines,
//! polygons); lines and polygons are promoted to their Multi form so each layer has one
//! geometry type. CGCS2000 (EPSG:4490) is registered in `gpkg_spatial_ref_sys`, and
//! every layer gets the `gpkg_rtree_index` extension.
//!
//! The file is unencrypted by nature (other tools must read it), so records above 公开
//! are refused unless the caller passes `allow_classified`, and the report says so.
//!
//! The file is written through [`toponym_io::OutputFile`]: the target is checked (never
//! the survey itself, its key file, its WAL, a device …), the GeoPackage is built in an
//! owner-only temporary in the target's folder and renamed into place only when
//! complete, so a crash never leaves a half-written GeoPackage under the target's name.

use rusqlite::{params, Connection};
use serde::Serialize;
use toponym_core::{Geometry, GeometryKind, Message};
use toponym_io::OutputFile;

use crate::{gpkg, Result, StoreError};

/// One layer written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportLayer {
    /// Table name, e.g. `toponym_points`.
    pub name: String,
    /// GeoPackage geometry type name, e.g. `MULTIPOLYGON`.
    pub geometry_type: String,
    /// Features written.
    pub features: usize,
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportReport {
    /// Layers with their feature counts.
    pub layers: Vec<ExportLayer>,
    /// Records without geometry or point, not exported.
    pub skipped_without_location: usize,
    /// Records above 公开 that were exported (only with `allow_classified`).
    pub classified: usize,
    /// Warnings for the person exporting.
    pub warnings: Vec<Message>,
}

const WKT_4490: &str = r#"GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101,AUTHORITY["EPSG","1024"]],AUTHORITY["EPSG","1043"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4490"]]"#;
const WKT_4326: &str = r#"GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]]"#;

const SCHEMA: &str = r#"
PRAGMA application_id = 1196444487;
PRAGMA user_version = 10300;
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
  description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
CREATE TABLE gpkg_extensions (
  table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, definition TEXT NOT NULL,
  scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
"#;

struct Feature {
    geom: Geometry,
    cols: [Option<String>; 11],
}

const ATTR_COLS: [&str; 11] = [
    "record_id",
    "template_id",
    "category",
    "class_code",
    "standard_name",
    "roman",
    "place_code",
    "census_status",
    "workflow_status",
    "secrecy",
    "attributes",
];

/// Lines become MultiLineString and polygons MultiPolygon, so one layer has one type.
fn promote(g: Geometry) -> Geometry {
    match g {
        Geometry::LineString(l) => Geometry::MultiLineString(vec![l]),
        Geometry::Polygon(p) => Geometry::MultiPolygon(vec![p]),
        other => other,
    }
}

pub(crate) fn export(
    store: &Connection,
    out: &OutputFile,
    allow_classified: bool,
) -> Result<ExportReport> {
    let classified: usize = store.query_row(
        "SELECT count(*) FROM records WHERE secrecy <> '公开'",
        [],
        |r| r.get::<_, i64>(0),
    )? as usize;
    if classified > 0 && !allow_classified {
        return Err(StoreError::ClassifiedExport { count: classified });
    }
    // Read everything first: the store connection and the output are separate files.
    let mut layers: [(GeometryKind, Vec<Feature>); 3] = [
        (GeometryKind::Point, vec![]),
        (GeometryKind::Line, vec![]),
        (GeometryKind::Polygon, vec![]),
    ];
    let mut skipped = 0;
    {
        let mut stmt = store.prepare(
            "SELECT record_id, template_id, category, class_code, standard_name,
                    CAST(json_extract(attributes, '$.roman') AS TEXT), place_code, census_status,
                    workflow_status, secrecy, attributes, geom, rep_lon, rep_lat
             FROM records ORDER BY rid",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            let geom = match (
                r.get::<_, Option<Vec<u8>>>(11)?,
                r.get::<_, Option<f64>>(12)?,
                r.get::<_, Option<f64>>(13)?,
            ) {
                (Some(b), _, _) => {
                    gpkg::decode(&b)
                        .map_err(|e| StoreError::Corrupt {
                            what: format!("geometry of record {id}"),
                            detail: e.0,
                        })?
                        .1
                }
                (None, Some(x), Some(y)) => Geometry::Point([x, y]),
                _ => {
                    skipped += 1;
                    continue;
                }
            };
            let mut cols: [Option<String>; 11] = Default::default();
            for (i, c) in cols.iter_mut().enumerate() {
                *c = r.get::<_, Option<String>>(i)?;
            }
            let geom = promote(geom);
            let kind = geom.kind();
            if let Some(layer) = layers.iter_mut().find(|l| l.0 == kind) {
                layer.1.push(Feature { geom, cols });
            }
        }
    }

    let tmp = out.temp_path();
    let mut written = Vec::new();
    {
        let mut conn = Connection::open(tmp)?;
        // No rollback journal beside the temporary: a failed export discards the whole
        // temporary anyway.
        conn.execute_batch("PRAGMA journal_mode = OFF;")?;
        conn.execute_batch(SCHEMA)?;
        let tx = conn.transaction()?;
        {
            let mut srs =
                tx.prepare("INSERT INTO gpkg_spatial_ref_sys VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?;
            srs.execute(params![
                "Undefined cartesian SRS",
                -1,
                "NONE",
                -1,
                "undefined",
                "undefined cartesian coordinate reference system"
            ])?;
            srs.execute(params![
                "Undefined geographic SRS",
                0,
                "NONE",
                0,
                "undefined",
                "undefined geographic coordinate reference system"
            ])?;
            srs.execute(params![
                "WGS 84 geodetic",
                4326,
                "EPSG",
                4326,
                WKT_4326,
                "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid"
            ])?;
            srs.execute(params![
                "China Geodetic Coordinate System 2000",
                4490,
                "EPSG",
                4490,
                WKT_4490,
                "CGCS2000 longitude/latitude, the census's stored form"
            ])?;
        }
        let any = layers.iter().any(|l| !l.1.is_empty());
        for (kind, features) in &layers {
            // An empty survey still yields one (empty) point layer so the file is valid.
            if features.is_empty() && (any || *kind != GeometryKind::Point) {
                continue;
            }
            let (table, gtype) = match kind {
                GeometryKind::Point => ("toponym_points", "POINT"),
                GeometryKind::Line => ("toponym_lines", "MULTILINESTRING"),
                GeometryKind::Polygon => ("toponym_polygons", "MULTIPOLYGON"),
            };
            let cols: String = ATTR_COLS.iter().map(|c| format!(", {c} TEXT")).collect();
            tx.execute_batch(&format!(
                "CREATE TABLE {table} (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom {gtype}{cols});
                 CREATE VIRTUAL TABLE rtree_{table}_geom USING rtree(id, minx, maxx, miny, maxy);"
            ))?;
            let placeholders: String = (3..3 + ATTR_COLS.len())
                .map(|i| format!(", ?{i}"))
                .collect();
            let mut ins = tx.prepare(&format!(
                "INSERT INTO {table} (fid, geom, {}) VALUES (?1, ?2{placeholders})",
                ATTR_COLS.join(", ")
            ))?;
            let mut rtree = tx.prepare(&format!(
                "INSERT INTO rtree_{table}_geom VALUES (?1, ?2, ?3, ?4, ?5)"
            ))?;
            let mut env = [
                f64::INFINITY,
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::NEG_INFINITY,
            ];
            for (i, f) in features.iter().enumerate() {
                let fid = i as i64 + 1;
                let blob = gpkg::encode(&f.geom, gpkg::SRS_CGCS2000);
                let mut values: Vec<rusqlite::types::Value> = vec![fid.into(), blob.into()];
                values.extend(
                    f.cols
                        .iter()
                        .map(|c| rusqlite::types::Value::from(c.clone())),
                );
                ins.execute(rusqlite::params_from_iter(values))?;
                if let Some([w, s, e, n]) = f.geom.bbox() {
                    rtree.execute(params![fid, w, e, s, n])?;
                    env = [env[0].min(w), env[1].min(s), env[2].max(e), env[3].max(n)];
                }
            }
            let env: [Option<f64>; 4] = env.map(|v| v.is_finite().then_some(v));
            tx.execute(
                "INSERT INTO gpkg_contents (table_name, data_type, identifier, description,
                     min_x, min_y, max_x, max_y, srs_id)
                 VALUES (?1, 'features', ?1, ?2, ?3, ?4, ?5, ?6, 4490)",
                params![
                    table,
                    format!("Toponym census records ({gtype})"),
                    env[0],
                    env[1],
                    env[2],
                    env[3]
                ],
            )?;
            tx.execute(
                "INSERT INTO gpkg_geometry_columns VALUES (?1, 'geom', ?2, 4490, 0, 0)",
                params![table, gtype],
            )?;
            tx.execute(
                "INSERT INTO gpkg_extensions VALUES (?1, 'geom', 'gpkg_rtree_index',
                     'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')",
                [table],
            )?;
            // The triggers keep the index in step when GDAL or QGIS edit the layer later.
            // They call GeoPackage SQL functions (ST_IsEmpty, ST_MinX…) that GDAL provides,
            // so they are created after our own inserts.
            tx.execute_batch(&rtree_triggers(table, "geom", "fid"))?;
            written.push(ExportLayer {
                name: table.into(),
                geometry_type: gtype.into(),
                features: features.len(),
            });
        }
        tx.commit()?;
        conn.close().map_err(|(_, e)| StoreError::Sqlite(e))?;
    }
    let mut warnings = Vec::new();
    if classified > 0 {
        warnings.push(
            Message::new(
                "export.gpkg.unencrypted_classified",
                format!("{classified} 条记录密级高于公开，GeoPackage 文件未加密，请按涉密载体管理。"),
                format!("{classified} record(s) are classified above 公开 and the GeoPackage is NOT encrypted; handle the file as a classified medium."),
            )
            .with("count", classified.to_string()),
        );
    }
    Ok(ExportReport {
        layers: written,
        skipped_without_location: skipped,
        classified,
        warnings,
    })
}

/// The six triggers of the GeoPackage R-tree extension (spec §F.3), for one column.
fn rtree_triggers(t: &str, c: &str, i: &str) -> String {
    let r = format!("rtree_{t}_{c}");
    format!(
        r#"
CREATE TRIGGER {r}_insert AFTER INSERT ON {t}
WHEN (new.{c} NOT NULL AND NOT ST_IsEmpty(NEW.{c}))
BEGIN
  INSERT OR REPLACE INTO {r} VALUES (NEW.{i}, ST_MinX(NEW.{c}), ST_MaxX(NEW.{c}), ST_MinY(NEW.{c}), ST_MaxY(NEW.{c}));
END;
CREATE TRIGGER {r}_update1 AFTER UPDATE OF {c} ON {t}
WHEN OLD.{i} = NEW.{i} AND (NEW.{c} NOTNULL AND NOT ST_IsEmpty(NEW.{c}))
BEGIN
  INSERT OR REPLACE INTO {r} VALUES (NEW.{i}, ST_MinX(NEW.{c}), ST_MaxX(NEW.{c}), ST_MinY(NEW.{c}), ST_MaxY(NEW.{c}));
END;
CREATE TRIGGER {r}_update2 AFTER UPDATE OF {c} ON {t}
WHEN OLD.{i} = NEW.{i} AND (NEW.{c} ISNULL OR ST_IsEmpty(NEW.{c}))
BEGIN
  DELETE FROM {r} WHERE id = OLD.{i};
END;
CREATE TRIGGER {r}_update3 AFTER UPDATE ON {t}
WHEN OLD.{i} != NEW.{i} AND (NEW.{c} NOTNULL AND NOT ST_IsEmpty(NEW.{c}))
BEGIN
  DELETE FROM {r} WHERE id = OLD.{i};
  INSERT OR REPLACE INTO {r} VALUES (NEW.{i}, ST_MinX(NEW.{c}), ST_MaxX(NEW.{c}), ST_MinY(NEW.{c}), ST_MaxY(NEW.{c}));
END;
CREATE TRIGGER {r}_update4 AFTER UPDATE ON {t}
WHEN OLD.{i} != NEW.{i} AND (NEW.{c} ISNULL OR ST_IsEmpty(NEW.{c}))
BEGIN
  DELETE FROM {r} WHERE id IN (OLD.{i}, NEW.{i});
END;
CREATE TRIGGER {r}_delete AFTER DELETE ON {t}
WHEN old.{c} NOT NULL
BEGIN
  DELETE FROM {r} WHERE id = OLD.{i};
END;
"#
    )
}
