-- Eligible for the levenlanglerenkrediet after uitbreiding_mbo (on 2027-09-01), per leerweg, restated by hand
-- from statutes/lll/lll.law, statutes/web/web.law and uitbreiding_mbo.law (mbo only; ho is unchanged).
WITH p AS (
  SELECT *, year(DATE '2027-09-01') - year(geboortedatum)
            - CASE WHEN (month(geboortedatum), day(geboortedatum)) > (9, 1) THEN 1 ELSE 0 END AS age
  FROM read_parquet(getvariable('f'))
), e AS (
  SELECT leerweg,
    opleiding = 'mbo'
    AND leerweg IN ('bol_voltijd', 'bol_deeltijd', 'bbl', 'derde_leerweg')
    AND (instelling = 'erkend_niet_bekostigd' OR (instelling = 'bekostigd' AND leerweg <> 'derde_leerweg'))
    AND verblijf IN ('nederlander', 'eu_eer_zwitserland', 'vvr_type_ii_tot_v')
    AND ((age >= 30 AND age < 57) OR (krediet_loopt_door AND age >= 57))
    AND NOT recht_op_reguliere_sf
    AND NOT (door_derde_betaald > 0 AND door_derde_betaald >= verschuldigd_per_jaar) AS eligible_after
  FROM p
)
SELECT leerweg, count(*) FILTER (WHERE eligible_after) AS eligible_mbo_after FROM e GROUP BY leerweg ORDER BY leerweg;
