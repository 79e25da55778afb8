-- The ho students eligible on 2027-09-01 and the sum of their max_per_jaar: min(owed - paid by a third
-- party, 5 x collegegeld 2025-2026 EUR 2,601 = EUR 13,005), restated by hand from statutes/lll/lll.law.
WITH p AS (
  SELECT *, year(DATE '2027-09-01') - year(geboortedatum)
            - CASE WHEN (month(geboortedatum), day(geboortedatum)) > (9, 1) THEN 1 ELSE 0 END AS age
  FROM read_parquet(getvariable('f'))
)
SELECT count(*) AS eligible_ho, sum(least(verschuldigd_per_jaar - door_derde_betaald, 13005)) AS total_max_per_jaar
FROM p
WHERE opleiding LIKE 'ho_%'
  AND instelling IN ('bekostigd', 'erkend_niet_bekostigd')
  AND verblijf IN ('nederlander', 'eu_eer_zwitserland', 'vvr_type_ii_tot_v')
  AND (age < 57 OR krediet_loopt_door)
  AND NOT recht_op_reguliere_sf
  AND NOT (opleiding IN ('ho_voltijd', 'ho_duaal') AND age < 30 AND diploma NOT IN ('hbo_bachelor', 'wo_master'))
  AND NOT (door_derde_betaald > 0 AND door_derde_betaald >= verschuldigd_per_jaar);
